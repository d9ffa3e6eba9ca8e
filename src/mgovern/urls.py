"""Every URL a command takes, parsed in one place and refused before anything is done.

``mgovern publish URL``, ``mgovern documents --out URL`` and every publisher (``file://``
and the plugins' ``caldav://``, ``webdav://``, ...) go through :func:`parse_url`. It
refuses, with one line that says what to change:

- first of all, a password: ``user:secret@host``, ``user:@host``, a percent-encoded
  ``:`` (``user%3Asecret@host``), and a password holding ``/``, ``?``, ``#`` or ``@``
  (:func:`urllib.parse.urlsplit` cuts ``caldav://user:pa/ss@host/x`` at the ``/`` into
  the host ``user``, the port ``pa`` and the path ``/ss@host/x``, so the userinfo is
  looked for in the raw text: an ``@`` after the host with a ``:`` anywhere before it is
  a password);
- any other ``@`` after the host (it may end a user name; write it ``%40`` in a path);
- spaces, control and format characters anywhere (``urlsplit`` drops tabs and line
  breaks without a word), a ``%`` that starts no escape, an escaped control character;
- no scheme, or ``scheme:`` without ``//`` (only ``file:path`` may leave it out);
- an empty host (but for ``file://``), an IPv6 address without brackets or not an
  address, a host name that is not one, a port that is not a number from 1 to 65535
  (``urlsplit`` raises only when ``.port`` is read);
- a query or a fragment: a place to publish to has neither.

A user name alone (``caldavs://mgovern@host/``) is accepted; it goes into
:attr:`URL.username` for the credentials and nowhere else. No user name or password is
ever put into a message, a log or an exception: messages quote the URL as
:attr:`URL.text` (scheme, host, port and path) or, while that is not known to be safe,
only its scheme.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, unquote, unquote_to_bytes

import attrs
from attrs import frozen

from mgovern.exceptions import MgovernError

__all__ = ["MAX_LENGTH", "URL", "URLError", "clip", "parse_parts", "parse_url", "redact"]

#: The longest URL accepted, in characters.
MAX_LENGTH = 2048
#: How much of a URL a message quotes.
SHOWN = 100

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,63}):")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PORT = re.compile(r"[0-9]{1,5}")
_CREDENTIALS = "set MGOVERN_USERNAME/MGOVERN_PASSWORD or use ~/.netrc"


class URLError(MgovernError):
    """A URL that cannot be used. The message never holds a user name or password."""


@frozen
class URL:
    """A checked URL: no password, no query, no fragment; safe to show as :attr:`text`."""

    scheme: str  # lower case
    host: str  # "" only for file:; an IPv6 address without its brackets
    path: str  # as written, percent-escapes kept
    port: int | None = None
    #: A user name written in the URL (decoded), for the credentials; never shown.
    username: str | None = attrs.field(default=None, kw_only=True, repr=False)

    @property
    def netloc(self) -> str:
        """``host[:port]``, brackets around an IPv6 address, never a user name."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def text(self) -> str:
        """The URL without its user name: what messages quote."""
        if self.netloc or self.path.startswith("/"):
            return f"{self.scheme}://{self.netloc}{self.path}"
        return f"{self.scheme}:{self.path}"  # file:relative/folder

    def parts(self) -> SplitResult:
        """What publisher factories receive (``netloc`` without a user name)."""
        return SplitResult(self.scheme, self.netloc, self.path, "", "")


def clip(text: str, limit: int = SHOWN) -> str:
    """``text`` at most ``limit`` characters long, cut in the middle (an ellipsis says
    where), so that a long URL keeps both its host and its last path segment."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def _unprintable(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width), surrogate, space and line characters."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}


def _what(ch: str) -> str:
    if ch == " ":
        return "a space"
    kind = (
        "a space character" if unicodedata.category(ch).startswith("Z") else "a control character"
    )
    return f"{kind} (U+{ord(ch):04X})"


def _password(shown: str, *, at_in_path: bool = False) -> URLError:
    hint = " (an '@' in a path is written %40)" if at_in_path else ""
    return URLError(
        f"{shown}: the URL holds a password, which other users can read in the process "
        f"list; remove it and {_CREDENTIALS}{hint}"
    )


def _refuse_userinfo(text: str) -> None:
    """Refuse a password, or an ``@`` that may end one, wherever it hides in ``text``.

    Looks at the raw text, not at what ``urlsplit`` makes of it: a password may hold
    every character that ends the host (``/``, ``?``, ``#``) and ``@`` too. Also looks
    at the text in NFKC form, in which a full-width ``＠`` or ``：`` is an ASCII one (as
    for the HTTP libraries, which normalise host names so).
    """
    for candidate in dict.fromkeys((text, unicodedata.normalize("NFKC", text))):
        _refuse_userinfo_in(candidate)


def _refuse_userinfo_in(text: str) -> None:
    found = _SCHEME.match(text)
    if found is None or not text.startswith("//", found.end()):
        # No authority: "user:secret@host/x" without a scheme, "caldav:user:pw@host".
        # Only the path of "file:path" may hold an "@" ("file:/home/a@b/").
        is_file = found is not None and found[1].lower() == "file"
        rest = text[found.end() :] if found is not None and is_file else text
        if "@" in rest and ":" in unquote(rest[: rest.rindex("@")]):
            raise _password("file:***" if is_file else "***", at_in_path=is_file)  # "user:pw@"
        if "@" in rest and not is_file:
            raise URLError(
                "the URL has an '@' but no scheme://host: write e.g. caldavs://host/path/ "
                f"and {_CREDENTIALS} for the user name"
            )
        return
    scheme = clip(found[1].lower(), 32)
    rest = text[found.end() + 2 :]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    after = rest[len(authority) :]
    if "@" in after:  # a password with "/", "?" or "#" in it, or a user name before one
        if ":" in unquote(rest[: rest.rindex("@")]):
            raise _password(f"{scheme}://***", at_in_path=True)
        if authority:
            raise URLError(
                f"{scheme}://***: an '@' after the host; a user name goes before the host "
                f"({scheme}://user@host/...), a password never in the URL, and an '@' in a "
                "path is written %40"
            )
    if "@" in authority:
        userinfo, _, hostport = authority.rpartition("@")
        if ":" in unquote(userinfo):  # also "user:@host" and "user%3Asecret@host"
            shown = f"{scheme}://***@{hostport}{re.split(r'[?#]', after, maxsplit=1)[0]}"
            if any(_unprintable(ch) for ch in shown):
                shown = f"{scheme}://***"
            raise _password(clip(shown))


def parse_url(text: str) -> URL:
    """The URL in ``text``, checked; :class:`URLError` says what to change.

    The password check comes before any other, so that no later message can quote one.
    """
    _refuse_userinfo(text)
    if len(text) > MAX_LENGTH:
        raise URLError(f"the URL is {len(text)} characters long; at most {MAX_LENGTH} are taken")
    for index, ch in enumerate(text):
        if _unprintable(ch):
            raise URLError(
                f"the URL holds {_what(ch)} at character {index + 1}; write a space as %20 "
                "and leave control characters out"
            )
    # From here on the text holds no password, and an "@" only after "scheme://user".
    found = _SCHEME.match(text)
    if not text:
        raise URLError(
            "the URL is empty; write e.g. file:///path/to/folder or caldavs://host/path/"
        )
    if found is None or len(found[1]) == 1:  # "C:" is a drive, not a scheme
        raise URLError(
            f"{clip(text, 80)!r} has no scheme: write a URL such as "
            f"file://{clip(_absolute(text), 80)} or caldavs://host/path/"
        )
    scheme = found[1].lower()
    hierarchical = text.startswith("//", found.end())
    if not hierarchical and scheme != "file":
        raise URLError(
            f"{clip(text, 80)!r} has no '//' after '{clip(scheme, 32)}:'; write "
            "scheme://host/path/, e.g. caldavs://host/path/ or file:///path/to/folder"
        )
    rest = text[found.end() + 2 :] if hierarchical else text[found.end() :]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0] if hierarchical else ""
    remainder = rest[len(authority) :]
    path = re.split(r"[?#]", remainder, maxsplit=1)[0]
    userinfo, at, hostport = authority.rpartition("@")
    host, port = _host_and_port(scheme, hostport)
    shown = clip(URL(scheme, host, path, port).text)
    if len(path) < len(remainder):
        raise URLError(
            f"{shown}: a URL to publish to has no query ('?...') or fragment ('#...'); remove "
            "it (in a path, write '?' as %3F and '#' as %23)"
        )
    _check_escapes(shown, "path", path)
    if not host and scheme != "file":
        raise URLError(f"{clip(scheme, 32)}://: no host; write {clip(scheme, 32)}://host/path/")
    username = None
    if at:
        if scheme == "file":
            raise URLError(f"{shown}: a file:// URL names a folder here; leave out the user name")
        username = _checked_username(shown, userinfo)
    return URL(scheme, host, path, port, username=username)


def parse_parts(parts: SplitResult) -> URL:
    """:func:`parse_url` for a URL already split (what publisher factories receive), so a
    publisher made directly, not through :func:`mgovern.calendars.publish.publisher_for`, checks
    its URL the same way. (``urlunsplit`` would turn ``file:relative`` absolute.)"""
    scheme, netloc, path, query, fragment = parts
    text = f"{scheme}://{netloc}{path}" if netloc or path.startswith("/") else f"{scheme}:{path}"
    text += (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    return parse_url(text)


def redact(text: str) -> str:
    """``text`` (any URL, also one a server sent) fit to quote in a message: no user
    name, password, query or fragment, no control characters. Never fails."""
    found = _SCHEME.match(text)
    if found is None or not text.startswith("//", found.end()):
        if "@" in text:
            return "***"
        shown = re.split(r"[?#]", text, maxsplit=1)[0]
    else:
        rest = text[found.end() + 2 :]
        authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
        after = rest[len(authority) :]
        if "@" in after:
            return f"{found[1]}://***"
        if "@" in authority:
            authority = "***@" + authority.rpartition("@")[2]
        shown = f"{found[1]}://{authority}{re.split(r'[?#]', after, maxsplit=1)[0]}"
    return "".join("?" if _unprintable(ch) else ch for ch in shown)


def _absolute(text: str) -> str:
    from pathlib import Path

    try:
        return str(Path(text).absolute())
    except (OSError, ValueError):
        return "/path/to/folder"


def _host_and_port(scheme: str, hostport: str) -> tuple[str, int | None]:
    """Host and port of ``[user@]host[:port]`` without the user; quotes neither when
    wrong (a mistyped password can end up in either)."""
    head = f"{clip(scheme, 32)}://…"
    if hostport.startswith("["):
        inside, bracket, after = hostport[1:].partition("]")
        if not bracket:
            raise URLError(f"{head}: the IPv6 address has no closing ']'; write e.g. [::1]")
        if after and not after.startswith(":"):
            raise URLError(f"{head}: only ':port' may follow the IPv6 address in brackets")
        try:
            if "%" in inside:
                raise ValueError("zone")
            host = str(ipaddress.IPv6Address(inside))
        except ValueError:
            raise URLError(
                f"{head}: what is in brackets is not an IPv6 address; write e.g. [2001:db8::1]"
            ) from None
        port_text = after[1:] if after else None
    else:
        if hostport.count(":") > 1:
            raise URLError(
                f"{head}: an IPv6 address goes in brackets, as in {clip(scheme, 32)}://[::1]:5232/"
            )
        host, colon, port_text_or_empty = hostport.partition(":")
        port_text = port_text_or_empty if colon else None
        if host:
            _check_host_name(head, host)
    if not port_text:  # "host:" is allowed (RFC 3986) and means the default port
        return host, None
    if not _PORT.fullmatch(port_text) or not 1 <= int(port_text) <= 65535:
        number = (
            f" {port_text}"
            if port_text.isascii() and port_text.isdigit() and len(port_text) <= 10
            else ""
        )
        raise URLError(
            f"{clip(URL(scheme, host, '').text)}: the port{number} is not a "
            "number from 1 to 65535; write host:port, e.g. cal.example.org:8443"
        )
    return host, int(port_text)


def _check_host_name(head: str, host: str) -> None:
    if len(host) > 253 or not all(ch.isalnum() or ch in "-._~" for ch in host):
        raise URLError(
            f"{head}: the host name may hold only letters, digits, '-', '.' and '_' "
            "(an IPv6 address goes in brackets)"
        )
    try:
        host.encode("idna")
    except UnicodeError:
        raise URLError(
            f"{head}: the host name has an empty part or one longer than 63 characters"
        ) from None


def _check_escapes(shown: str, where: str, text: str) -> None:
    if _BAD_ESCAPE.search(text):
        raise URLError(
            f"{shown}: a '%' in the {where} starts no escape such as %20; write '%' itself as %25"
        )
    raw = unquote_to_bytes(text)
    if any(b < 0x20 or b == 0x7F for b in raw):
        raise URLError(f"{shown}: the {where} holds an escaped control character (%00-%1F, %7F)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise URLError(f"{shown}: the {where}'s escapes are not UTF-8") from None


def _checked_username(shown: str, userinfo: str) -> str:
    """The decoded user name; the messages never quote it."""
    if not userinfo:
        raise URLError(f"{shown}: an empty user name before '@'; remove the '@'")
    if _BAD_ESCAPE.search(userinfo):
        raise URLError(f"{shown}: a '%' in the user name starts no escape such as %40")
    raw = unquote_to_bytes(userinfo)
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise URLError(f"{shown}: the user name's escapes are not UTF-8") from None
    if any(_unprintable(ch) and ch != " " for ch in name):
        raise URLError(f"{shown}: the user name holds an escaped control character")
    return name
