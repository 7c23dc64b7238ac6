"""The package's one build step: the fast codec's C core (everything else is in pyproject.toml).

``pip install -e .`` (``make setup``) compiles ``neurorice/fast/_core.c``, which includes the
codec's other ``.c`` files (one translation unit), and leaves the module beside its source,
where ``./encode`` and ``./decode`` find it. It is built against the limited API of Python
3.11 (``_core.abi3.so``), so any CPython >= 3.11 loads it.
"""

import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildFastCodec(build_ext):
    """``build_ext`` that says what is missing when the C core does not build."""

    def run(self):
        try:
            super().run()
        except Exception as error:
            print(
                f"\nneurorice: cannot build the fast codec (neurorice/fast/_core.c): {error}\n"
                "It needs a C compiler (gcc or clang) and the Python headers"
                " (Debian: apt-get install gcc python3-dev).\n",
                file=sys.stderr,
            )
            raise


setup(
    ext_modules=[
        Extension(
            "neurorice.fast._core",
            ["neurorice/fast/_core.c"],
            # _core.c #includes the others: a change to any of them rebuilds the module
            depends=[str(path) for path in sorted(Path("neurorice/fast").glob("*.c"))
                     if path.name != "_core.c"],
            py_limited_api=True,
            extra_compile_args=["-O3", "-std=c11", "-Wall"],
        )
    ],
    cmdclass={"build_ext": BuildFastCodec},
)
