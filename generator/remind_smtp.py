"""Sending the messages over SMTP, encrypted with STARTTLS, with credentials from the environment only.

The user name and password are read from ``TOOLKIT_SMTP_USER`` and ``TOOLKIT_SMTP_PASSWORD``
(never from an option, which would show in the shell's history and the process list) and never
written anywhere: a message about a failure has the password taken out of it, whatever the
server said. A server that does not offer STARTTLS is refused: practices' mail is never sent in
clear.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

USER_VARIABLE = "TOOLKIT_SMTP_USER"
PASSWORD_VARIABLE = "TOOLKIT_SMTP_PASSWORD"


class SendError(Exception):
    """The messages cannot be sent (no connection, no STARTTLS, credentials refused); the message says why."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int = 587
    ca_file: Path | None = None
    """A certificate authority to trust beside the system's, for a relay with a private certificate."""


@dataclass(frozen=True)
class Failed:
    index: int
    why: str


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "********") if secret else text


def _why(error: BaseException, password: str | None) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return _scrub(f"the server answered {error.smtp_code} {said}", password)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _scrub(f"the server refused the recipients {', '.join(error.recipients)}", password)
    if isinstance(error, OSError):
        return _scrub(error.strerror or str(error) or type(error).__name__, password)
    return _scrub(str(error) or type(error).__name__, password)


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with PLAIN when the server offers it (the connection is encrypted by now), else as smtplib chooses:
    one mechanism, so a refused password is one refusal, not a second try that some servers leave unanswered."""
    offered = str(smtp.esmtp_features.get("auth", "")).upper().split()
    if "PLAIN" in offered:
        smtp.user, smtp.password = user, password
        smtp.auth("PLAIN", smtp.auth_plain)
    else:
        smtp.login(user, password)


def send_all(
    server: Server,
    messages: Sequence[EmailMessage],
    environ: Mapping[str, str],
    sent: Callable[[int], None],
) -> list[Failed]:
    """Send each message in one connection; ``sent(i)`` after each one the server took; the ones it refused.

    Raises SendError when nothing can be sent (before the first message) or the connection is lost.
    """
    user = environ.get(USER_VARIABLE) or None
    password = environ.get(PASSWORD_VARIABLE) or None
    if bool(user) != bool(password):
        raise SendError(f"give both {USER_VARIABLE} and {PASSWORD_VARIABLE} in the environment, or neither")
    where = f"{server.host}:{server.port}"
    try:
        context = ssl.create_default_context(cafile=str(server.ca_file) if server.ca_file else None)
    except (OSError, ssl.SSLError) as error:
        raise SendError(f"{server.ca_file}: cannot be read as a certificate ({_why(error, None)})") from None
    try:
        smtp = smtplib.SMTP(server.host, server.port, timeout=60)
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"{where}: cannot connect ({_why(error, password)})") from None
    failed: list[Failed] = []
    try:
        try:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise SendError(
                    f"{where}: the server does not offer STARTTLS; practices' mail is never sent unencrypted"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
            if user and password:
                _login(smtp, user, password)
        except smtplib.SMTPAuthenticationError:
            raise SendError(
                f"{where}: the server refused the user name and password given in {USER_VARIABLE} and "
                f"{PASSWORD_VARIABLE}"
            ) from None
        except ssl.SSLError as error:
            raise SendError(f"{where}: the server's certificate cannot be trusted ({error.reason})") from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"{where}: {_why(error, password)}") from None
        for index, message in enumerate(messages):
            try:
                smtp.send_message(message)
            except smtplib.SMTPServerDisconnected as error:
                raise SendError(
                    f"{where}: the connection was lost after {index} message{'' if index == 1 else 's'} "
                    f"({_why(error, password)}); run again to send the rest"
                ) from None
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                failed.append(Failed(index, _why(error, password)))
                continue
            except OSError as error:
                raise SendError(f"{where}: {_why(error, password)}; run again to send the rest") from None
            sent(index)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return failed
