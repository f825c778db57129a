"""Checks: is a client key or AAP in use, safe to delete, or is the evidence inconclusive?"""

from .bundle import build_bundle, write_bundle
from .engine import Checker
from .model import (
    CheckResult,
    Evidence,
    Reason,
    ReasonCode,
    TargetKind,
    Verdict,
    Window,
    WindowCoverage,
    overall_exit_code,
)
from .window import (
    DEFAULT_FRESHNESS_ALLOWANCE,
    DEFAULT_WINDOW_DAYS,
    MAX_FRESHNESS_ALLOWANCE,
    CheckOptions,
)

__all__ = [
    "DEFAULT_FRESHNESS_ALLOWANCE",
    "DEFAULT_WINDOW_DAYS",
    "MAX_FRESHNESS_ALLOWANCE",
    "CheckOptions",
    "CheckResult",
    "Checker",
    "Evidence",
    "Reason",
    "ReasonCode",
    "TargetKind",
    "Verdict",
    "Window",
    "WindowCoverage",
    "build_bundle",
    "overall_exit_code",
    "write_bundle",
]
