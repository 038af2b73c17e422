#!/usr/bin/env python3
"""schemathesis' command line, with one workaround for the Python it runs on.

CPython 3.11.7 (this machine's) can raise `SystemError: AST constructor recursion depth
mismatch` from `ast.parse` when called deep in a worker thread's stack (fixed in later 3.11
releases). Hypothesis calls `ast.parse` only to *describe* a filter's lambda in a strategy's
repr; when that fails here, the lambda is described as `lambda` instead, and nothing about what
is generated or checked changes.
"""

import sys

from hypothesis.internal import lambda_sources

_describe = lambda_sources._lambda_description


def _lambda_description(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda"


lambda_sources._lambda_description = _lambda_description

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "st"
    sys.exit(schemathesis())
