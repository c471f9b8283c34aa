"""One reading of what a mail server answered, for every kind of email."""

import enum
import smtplib


class Verdict(enum.Enum):
    RETRY = "retry"  # 4xx, or no answer at all (connection refused, dropped, timed out)
    UNDELIVERABLE = "undeliverable"  # the address itself was refused for good
    FAILED = "failed"  # refused for good, but not the address (5.7.x policy, spam)


def classify(exc: Exception) -> Verdict:
    code, text = _answer(exc)
    if code is None or code < 500:
        return Verdict.RETRY
    # RFC 3463: 5.1.x is about the address (no such user, bad domain); a refused
    # RCPT names the address too.
    if isinstance(exc, smtplib.SMTPRecipientsRefused) or text.lstrip().startswith("5.1."):
        return Verdict.UNDELIVERABLE
    return Verdict.FAILED


def describe(exc: Exception) -> str:
    code, text = _answer(exc)
    return (f"{code} {text}" if code else f"{type(exc).__name__}: {exc}")[:500]


def _answer(exc: Exception) -> tuple[int | None, str]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return None, str(exc)
    return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
