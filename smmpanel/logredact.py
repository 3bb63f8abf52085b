"""A logging filter that masks secrets: API keys, passwords, tokens and Bearer credentials.

Attached to every handler of the panel's logging, so that an exception message or a logged
request that happens to carry a secret never writes it out.
"""

import logging
import re

MASK = "********"
_NAMES = r"(?:key|api_key|password|passwd|secret|token|otp_token|authorization)"
_PATTERNS = [
    re.compile(r"(?P<head>\bBearer\s+)(?P<secret>[^\s'\",;]+)", re.IGNORECASE),
    # key=abc, "key": "abc", 'password': 'abc', key: abc
    re.compile(
        rf"""(?P<head>(?<![\w-]){_NAMES}['"]?\s*[:=]\s*['"]?)(?P<secret>[^\s'"&,;}}\]]+)""",
        re.IGNORECASE,
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group("head") + MASK, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
