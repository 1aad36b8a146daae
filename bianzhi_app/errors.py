"""One error tree for the core; the CLI maps each class to an exit code, the GUI shows the message."""

from __future__ import annotations

# What an error can be about (BianzhiError.field): the inputs of the operations.
FIELDS = frozenset({
    "region", "code", "name", "unit", "parent", "target", "category", "rank", "funding", "uscc", "kind", "post",
    "count", "doc", "date", "valid_until", "method", "number", "approval", "id_number", "reason", "quarter",
    "functions",
    "account", "password", "role", "policy", "proposal", "recovery_key", "anchor",
    "file", "key",
})


class BianzhiError(Exception):
    """Base of every error a user may see; its message is Chinese and names the figures.

    ``field`` names what the error is about, where it is raised: one of FIELDS (the unit, the kind,
    the ID number, the date …). Import maps a refusal to its sheet's column from it, a dialog to its
    input; None when the error concerns no one input."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        if field is not None and field not in FIELDS:
            raise ValueError(f"unknown error field {field!r}")
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class UsageError(BianzhiError):
    exit_code = 2


class RefusedError(BianzhiError):
    """A rule of DOMAIN.md says no."""

    exit_code = 3


class QuotaExceeded(RefusedError):
    """Rule 1 / 6 / 7: used + reserved would exceed approved + allowance."""


class PoolExceeded(RefusedError):
    """Rule 2: the units' approved quotas would exceed the region pool."""


class PostLimitExceeded(RefusedError):
    """Rule 3: posts used would exceed the post limit."""


class OnePersonOneSlot(RefusedError):
    """Rule 4: 一人一编."""


class ApprovalRequired(RefusedError):
    """Rule 5: 先核准后进人."""


class DocumentRequired(RefusedError):
    """Rule 8: a change without its legal document."""


class StateRefused(RefusedError):
    """Anything else the current state forbids (abolishing a unit with staff, …)."""


class InvalidInput(BianzhiError):
    exit_code = 4


class NotFound(BianzhiError):
    exit_code = 5


class CheckFailed(BianzhiError):
    exit_code = 6


class LedgerTampered(CheckFailed):
    """The newest ledger entry no longer matches its hash: the book was edited outside the program, so
    no entry may be appended onto it (exit 6, like `check`)."""


class NotSignedIn(BianzhiError):
    """Unknown account, wrong password, account locked or disabled, password expired or to be changed."""

    exit_code = 7


class NotPermitted(BianzhiError):
    """The signed-in account's roles do not allow this; the message names the role needed."""

    exit_code = 8


class Busy(BianzhiError):
    """Another program holds the write lock longer than the busy timeout."""

    exit_code = 1


class ServerUnavailable(BianzhiError):
    """The database server of a server book cannot be reached (or refused the connection)."""

    exit_code = 1


class ServerLoginRefused(ServerUnavailable):
    """The server refused the login: wrong database user or password (exit 7, as a wrong account password)."""

    exit_code = 7


class ServerDatabaseMissing(ServerUnavailable):
    """The server answered but holds no database of that name (exit 5: not found)."""

    exit_code = 5


def server_problem(reply: str) -> str:
    """What the server's (or libpq's) reply to a connection says went wrong: "login", "database", "tls" or
    "unreachable". Servers answer in their own language (lc_messages), so the Chinese wording counts too."""
    lowered = reply.lower()
    if any(word in lowered for word in ("password", "authentication", "认证失败", "口令")) or (
            "role" in lowered and "does not exist" in lowered):
        return "login"
    if ("database" in lowered and "does not exist" in lowered) or ("数据库" in reply and "不存在" in reply):
        return "database"
    if "ssl" in lowered or "certificate" in lowered:
        return "tls"
    return "unreachable"


def server_unavailable(reply: str, *, host: str, port: int | None, user: str, database: str) -> ServerUnavailable:
    """The refusal for a server book that could not be opened, in Chinese, naming the server, user and database
    (never the password: ``reply`` is the server's answer, which holds none)."""
    where = f"{host}:{port or 5432}"
    kind = server_problem(reply)
    if kind == "login":
        return ServerLoginRefused(f"数据库服务器「{where}」拒绝了用户「{user}」登录数据库「{database}」:"
                                  "用户名或密码不正确。请核对连接串中的用户名和密码,或向信息技术人员确认。")
    if kind == "database":
        return ServerDatabaseMissing(f"数据库服务器「{where}」上没有名为「{database}」的数据库:"
                                     "请核对库名,或由信息技术人员先建库(见 README「办公室服务器」)。")
    detail = reply.strip().splitlines()[0] if reply.strip() else ""
    if kind == "tls":
        return ServerUnavailable(f"无法与数据库服务器「{where}」建立加密连接:请检查 sslmode,"
                                 f"或向信息技术人员索取服务器证书(服务器答复:{detail})")
    return ServerUnavailable(f"无法连接数据库服务器「{where}」(数据库「{database}」):请检查地址、端口和网络,"
                             f"或服务器是否已启动(答复:{detail})")


class Cancelled(BianzhiError):
    """The user cancelled a long operation; nothing was changed."""

    exit_code = 1
