"""The fixed cast behind `sample_logs/`: four AAPs, eight client keys and three RAM identities.

IDs are constants, not random, so the sample README can name them. Day numbers count from
`SAMPLE_FIRST_DAY` (day 0, 2026-06-04) to day 179 (2026-11-30), the 180 days that end the day
before the checks' `--as-of 2026-12-01`.
"""

from __future__ import annotations

from datetime import date

from kmsaudit.synthetic.cast import (
    AlwaysFails,
    Caller,
    Cast,
    Failure,
    Instance,
    MostlySucceeds,
    Resources,
    Usage,
    aap_caller,
    ram_caller,
)
from kmsaudit.synthetic.schedules import (
    Daily,
    EveryNDays,
    OnceAt,
    StoppedAt,
    Weekdays,
    Weekly,
)

SAMPLE_FIRST_DAY = date(2026, 6, 4)
SAMPLE_DAYS = 180

ACCOUNT_ID = "1192853035110000"

INSTANCE = Instance(
    instance_id="kst-hzz6702e4c1b7a5f3d9k8",
    region_id="cn-hangzhou",
    user_id=ACCOUNT_ID,
    log_source="100.104.23.41",
    log_client_ip="47.96.134.18",
)

AAP_PAYMENTS = "aap_payments"
AAP_REPORTING = "aap_reporting"
AAP_BATCH = "aap_batch"
AAP_OPS = "aap_ops"

PAYMENTS_KEY = "KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b"
PAYMENTS_ROTATED_KEY = "KAAP.38742edd-1992-4048-82fa-940b8a90c5d1"
REPORTING_KEY = "KAAP.0f5c2a9e-7b41-4d8e-9a36-5e2d1c7b8f04"
REPORTING_RETIRED_KEY = "KAAP.9d3e6b12-4a7f-4c05-8e21-b6f0a4c3d785"
BATCH_QUARTERLY_KEY = "KAAP.c4a1f7e0-2b9d-4e63-a5f8-17d2e9b04c6a"
BATCH_DISABLED_KEY = "KAAP.5b8e0d3c-91a2-47f6-bc4d-e3f7a6021b98"
OPS_KEY = "KAAP.e2d94b71-0c3f-4a58-9b6e-8f1a2d5c7e30"
OPS_MENTIONED_KEY = "KAAP.7a16c0f5-d84e-4b29-a3c7-40e9f2b6d1a8"

# Every client key of the cast, by AAP. The retired key of aap_reporting has no usage at all.
CLIENT_KEYS = {
    AAP_PAYMENTS: (PAYMENTS_KEY, PAYMENTS_ROTATED_KEY),
    AAP_REPORTING: (REPORTING_KEY, REPORTING_RETIRED_KEY),
    AAP_BATCH: (BATCH_QUARTERLY_KEY, BATCH_DISABLED_KEY),
    AAP_OPS: (OPS_KEY, OPS_MENTIONED_KEY),
}

# The day aap_payments stopped using its rotated key (2026-09-09).
PAYMENTS_ROTATION_DAY = 97
# The only day aap_batch's quarterly job ran (2026-07-14).
BATCH_QUARTERLY_DAY = 40

PAYMENTS_RESOURCES = Resources(
    kms_key_id="key-hzz62f1cb66fa42qo1234",
    signing_key_id="key-hzz63a7d0e91b54rt5678",
    secret_name="payments/db-password",
)
REPORTING_RESOURCES = Resources(
    kms_key_id="key-hzz64b2e8f03c17uv2345",
    signing_key_id="key-hzz63a7d0e91b54rt5678",
    secret_name="reporting/warehouse-token",
)
BATCH_RESOURCES = Resources(
    kms_key_id="key-hzz65c9a1d24e86wx3456",
    signing_key_id="key-hzz63a7d0e91b54rt5678",
    secret_name="batch/sftp-credentials",
)
OPS_RESOURCES = Resources(
    kms_key_id="key-hzz62f1cb66fa42qo1234",
    signing_key_id="key-hzz63a7d0e91b54rt5678",
    secret_name="ops/pager-webhook",
)

JAVA_AGENT = (
    "AlibabaCloud (Linux; amd64) Java/1.8.0_392 tea-util/0.2.21 TeaDSL/1 "
    "alibabacloud-dkms-gcs-sdk/0.5.2"
)
# Non-ASCII on purpose: exports escape it (JSON) or keep it as UTF-8 (CSV, OSS).
PYTHON_AGENT = "AlibabaCloud (Linux; x86_64) Python/3.10.12 alibabacloud-dkms-gcs/1.0.2 报表服务"
GO_AGENT = "AlibabaCloud (linux; amd64) Go/1.21.5 Core/0.0.1 TeaDSL/1 dkms-gcs-go-sdk/0.5.1"
NODE_AGENT = "AlibabaCloud (linux; x64) Node.js/v18.19.0 Core/1.0.1 TeaDSL/1 dkms-gcs-sdk/0.2.3"
CLI_AGENT = "Alibaba Cloud (Linux; x64) Cli/3.0.204 golang/1.21.6 TeaDSL/1"

KEY_APIS = ("Decrypt", "Decrypt", "Decrypt", "Encrypt", "GenerateDataKey")
SECRET_APIS = ("GetSecretValue",)
ALL_APIS = ("Decrypt", "Encrypt", "GenerateDataKey", "GetSecretValue", "Sign", "Verify")

# The message of aap_ops's failed calls that names its other client key.
MENTION_FAILURE = Failure(
    403,
    "Forbidden.ClientKeyMismatch",
    f"The client key {OPS_MENTIONED_KEY} is not the one bound to this request's certificate.",
)
DISABLED_KEY_FAILURE = Failure(400, "Rejected.Disabled", "The specified key is disabled.")


def sample_cast(shared_gateway_unattributed: bool = False) -> Cast:
    """Build the sample cast.

    With `shared_gateway_unattributed`, aap_reporting also calls through the shared gateway every
    Thursday, and those records have `identity_type` `aap` with an empty `access_key_id`. The
    committed sample leaves them out: such records make every check of a key without an
    inventory inconclusive, which would hide the other stories.
    """
    usages = [*aap_usages(), *ram_usages()]
    if shared_gateway_unattributed:
        usages.append(shared_gateway_usage())
    return Cast(instance=INSTANCE, usages=tuple(usages))


def aap_usages() -> list[Usage]:
    """Build the usages of the four AAPs' client keys (the retired key has none)."""
    payments_ips = ("192.168.1.20", "192.168.1.21", "192.168.1.22")
    reporting_ips = ("192.168.7.31",)
    batch_ips = ("192.168.9.5", "192.168.9.6")
    ops_ips = ("10.10.0.14",)

    def payments(key_id: str) -> Caller:
        return aap_caller(
            AAP_PAYMENTS, key_id, ACCOUNT_ID, JAVA_AGENT, payments_ips, KEY_APIS, PAYMENTS_RESOURCES
        )

    def batch(key_id: str) -> Caller:
        return aap_caller(
            AAP_BATCH, key_id, ACCOUNT_ID, GO_AGENT, batch_ips, KEY_APIS, BATCH_RESOURCES
        )

    reporting = aap_caller(
        AAP_REPORTING,
        REPORTING_KEY,
        ACCOUNT_ID,
        PYTHON_AGENT,
        reporting_ips,
        ("GetSecretValue", "Decrypt", "Sign"),
        REPORTING_RESOURCES,
    )
    ops = aap_caller(
        AAP_OPS,
        OPS_KEY,
        ACCOUNT_ID,
        NODE_AGENT,
        ops_ips,
        ("GetSecretValue", "Verify"),
        OPS_RESOURCES,
    )
    return [
        Usage(payments(PAYMENTS_KEY), Daily(9.0), MostlySucceeds(0.02), "daily"),
        Usage(
            payments(PAYMENTS_ROTATED_KEY),
            StoppedAt(PAYMENTS_ROTATION_DAY, Daily(1.5)),
            MostlySucceeds(0.02),
            f"daily, stopped at day {PAYMENTS_ROTATION_DAY}",
        ),
        Usage(reporting, Weekly(0, 4.0), MostlySucceeds(0.02), "weekly, Mondays"),
        Usage(
            batch(BATCH_QUARTERLY_KEY),
            OnceAt(BATCH_QUARTERLY_DAY, 3),
            MostlySucceeds(0.0),
            f"once, at day {BATCH_QUARTERLY_DAY}",
        ),
        Usage(
            batch(BATCH_DISABLED_KEY),
            Weekly(2, 2.0),
            AlwaysFails(DISABLED_KEY_FAILURE),
            "only failed calls, Wednesdays",
        ),
        Usage(ops, Weekdays(1.5), MostlySucceeds(0.01), "weekdays"),
        Usage(
            ops,
            EveryNDays(interval=10, offset=5, calls=1),
            AlwaysFails(MENTION_FAILURE),
            f"only in error_message of {OPS_KEY}'s failed calls, every 10 days",
        ),
    ]


def ram_usages() -> list[Usage]:
    """Build the usages of RAM identities, which call through the shared gateway."""
    user = ram_caller(
        "ram-user",
        "203456789012345678",
        ACCOUNT_ID,
        "LTAI5tQ9m2XvB7kR4pN8sWcE",
        CLI_AGENT,
        ("203.0.113.45",),
        ("Encrypt", "Decrypt", "GetSecretValue"),
        OPS_RESOURCES,
    )
    role = ram_caller(
        "ram-role",
        "300123456789012345",
        ACCOUNT_ID,
        "STS.NUgYrLnoC37mZZCNnAbezXyZ",
        GO_AGENT,
        ("192.168.30.2",),
        ("GenerateDataKey", "Decrypt"),
        BATCH_RESOURCES,
    )
    account = ram_caller(
        "cloud-account",
        ACCOUNT_ID,
        ACCOUNT_ID,
        "LTAI5tHx3Ff8Lw2Zq6Jd9Rk1",
        CLI_AGENT,
        ("198.51.100.7",),
        ALL_APIS,
        PAYMENTS_RESOURCES,
    )
    return [
        Usage(user, Daily(1.0), MostlySucceeds(0.05), "daily (ram-user)"),
        Usage(role, Weekly(4, 3.0), MostlySucceeds(0.02), "weekly, Fridays (ram-role)"),
        Usage(account, EveryNDays(30, 12, 2), MostlySucceeds(0.0), "every 30 days (account)"),
    ]


def shared_gateway_usage() -> Usage:
    """Build aap_reporting's shared-gateway usage, whose records carry no client key ID."""
    caller = aap_caller(
        AAP_REPORTING,
        "",
        ACCOUNT_ID,
        PYTHON_AGENT,
        ("192.168.7.31",),
        SECRET_APIS,
        REPORTING_RESOURCES,
    )
    return Usage(caller, Weekly(3, 2.0), MostlySucceeds(0.0), "weekly, Thursdays, shared gateway")
