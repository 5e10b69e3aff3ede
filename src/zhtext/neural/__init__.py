"""The neural core under classify, tag and pretrain: training runs and multi-process training."""
