"""Conversion reports: what a reader or writer could not carry over is recorded here, never dropped."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field


class ConversionWarning(UserWarning):
    """Issued through :mod:`warnings` when a conversion loses something and no report was given."""


@dataclass(frozen=True)
class Loss:
    """One thing a conversion could not carry over exactly."""

    format: str
    message: str
    block: int | None = None

    def __str__(self) -> str:
        where = f" (block {self.block})" if self.block is not None else ""
        return f"{self.format}: {self.message}{where}"


@dataclass
class ConversionReport:
    """Collects :class:`Loss` entries from readers and writers.

    Pass one to :func:`cmsbridge.read` or :func:`cmsbridge.write` to collect losses; without one, each
    loss is issued as a :class:`ConversionWarning`, so nothing is lost silently.
    """

    losses: list[Loss] = field(default_factory=list)

    def warn(self, format: str, message: str, block: int | None = None) -> None:
        self.losses.append(Loss(format, message, block))

    def __bool__(self) -> bool:
        return bool(self.losses)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.losses)

    def __len__(self) -> int:
        return len(self.losses)

    def messages(self) -> list[str]:
        return [str(loss) for loss in self.losses]


class _WarningsReport(ConversionReport):
    def warn(self, format: str, message: str, block: int | None = None) -> None:
        super().warn(format, message, block)
        warnings.warn(str(self.losses[-1]), ConversionWarning, stacklevel=3)


def ensure_report(report: ConversionReport | None) -> ConversionReport:
    """The given report, or one that turns each loss into a :class:`ConversionWarning`."""
    return report if report is not None else _WarningsReport()
