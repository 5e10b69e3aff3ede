"""Build the optional compiled hot loops of keyword extraction (src/zhtext/keywords/_fast.pyx).

Everything else is configured in pyproject.toml. Without a C compiler the extension is skipped
(optional=True) and zhtext runs the equivalent pure-Python code.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # pragma: no cover - Cython is a build requirement
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("zhtext.keywords._fast", ["src/zhtext/keywords/_fast.pyx"], optional=True)],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )

setup(ext_modules=ext_modules)
