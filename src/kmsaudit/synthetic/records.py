"""Turn one call into one `kms_audit_log` record, shaped as Simple Log Service stores it.

A record is a `dict[str, str]`: SLS stores every value as a string, and the writers give some
fields another JSON type where a real export path does (`__time__` as an integer, for example).
Keys are in the order the SLS Python SDK flattens a log: `__time__`, `__topic__`, `__source__`,
`__time_ns_part__` when present, the tags, then the log fields.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random

from kmsaudit.synthetic.cast import SHARED, Caller, Failure, Instance, Usage

Record = dict[str, str]

TIME = "__time__"
TIME_NS_PART = "__time_ns_part__"
TOPIC = "__topic__"
SOURCE = "__source__"
RECEIVE_TIME_TAG = "__tag__:__receive_time__"
CLIENT_IP_TAG = "__tag__:__client_ip__"

# Every documented log field, in the order records carry them.
LOG_FIELDS = (
    "time",
    "access_key_id",
    "access_key_fingerprint",
    "identity_type",
    "principal_id",
    "account_id",
    "user_id",
    "instance_id",
    "region_id",
    "api_name",
    "api_version",
    "share_gateway_api_name",
    "client_ip",
    "status_code",
    "error_code",
    "error_message",
    "request_id",
    "resource_id",
    "resource_parameters",
    "cmkid",
    "key_version_id",
    "key_state",
    "domain_type",
    "key_spec",
    "data_key_spec",
    "gateway_type",
    "duration",
    "useragent",
    "level",
    "version",
)

# Fields that older records lack: KMS added them to the log format later.
LATE_FIELDS = frozenset({"gateway_type", "error_code"})

SYMMETRIC_APIS = frozenset({"Encrypt", "Decrypt", "GenerateDataKey"})
SIGNING_APIS = frozenset({"Sign", "Verify"})


@dataclass(frozen=True, slots=True)
class Eras:
    """When the log format changed: records before a moment lack what it introduced.

    Records with `__time__` before `late_fields_from` lack `gateway_type` and `error_code`;
    records from `ns_part_from` on carry `__time_ns_part__`. Both are Unix seconds.
    """

    late_fields_from: int
    ns_part_from: int


@dataclass(frozen=True, slots=True)
class Call:
    """One request: when it began (Unix nanoseconds), which usage made it, how it ended."""

    at_ns: int
    usage: Usage
    failure: Failure | None


def iso_utc(seconds: int) -> str:
    """Format Unix seconds as the `time` field does: ISO 8601 UTC with `Z`, whole seconds."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Maximum delay in seconds between a request and its arrival in SLS. Adjacent sample exports
# overlap by an hour of receive time, which must exceed this so that no record falls between two.
MAX_RECEIVE_DELAY = 1800


def receive_delay(rng: Random) -> int:
    """Draw the seconds between a request and its arrival in SLS.

    Usually 0-2; one record in 25 waits in a client buffer for 1 to 30 minutes, which is what
    puts receive order out of `__time__` order.
    """
    if rng.random() < 0.04:
        return rng.randint(60, MAX_RECEIVE_DELAY)
    return rng.randint(0, 2)


def make_record(call: Call, instance: Instance, eras: Eras, rng: Random) -> Record:
    """Build the record of `call` made against `instance`, with random IDs drawn from `rng`."""
    seconds, nanos = divmod(call.at_ns, 1_000_000_000)
    record = reserved_fields(seconds, nanos, instance, eras, rng)
    record.update(log_fields(call, seconds, instance, rng))
    if seconds < eras.late_fields_from:
        for name in LATE_FIELDS:
            del record[name]
    return record


def reserved_fields(
    seconds: int, nanos: int, instance: Instance, eras: Eras, rng: Random
) -> Record:
    """Build the SLS reserved fields and tags of a record logged at `seconds`."""
    record: Record = {TIME: str(seconds), TOPIC: "", SOURCE: instance.log_source}
    if seconds >= eras.ns_part_from:
        record[TIME_NS_PART] = str(nanos)
    record[CLIENT_IP_TAG] = instance.log_client_ip
    record[RECEIVE_TIME_TAG] = str(seconds + receive_delay(rng))
    return record


def log_fields(call: Call, seconds: int, instance: Instance, rng: Random) -> Record:
    """Build the KMS log fields of `call`, every documented field present."""
    caller = call.usage.caller
    api = rng.choice(caller.apis)
    failure = call.failure

    record: Record = {
        "time": iso_utc(seconds),
        "access_key_id": caller.access_key_id,
        "access_key_fingerprint": caller.access_key_fingerprint,
        "identity_type": caller.identity_type,
        "principal_id": caller.principal_id,
        "account_id": caller.account_id,
        "user_id": instance.user_id,
        "instance_id": instance.instance_id,
        "region_id": instance.region_id,
        "api_name": api,
        "api_version": "2016-01-20" if caller.gateway == SHARED else "dkms-gcs-0.2",
        "share_gateway_api_name": api if caller.gateway == SHARED else "",
        "client_ip": rng.choice(caller.client_ips),
        "status_code": str(failure.status_code) if failure else "200",
        "error_code": failure.error_code if failure else "",
        "error_message": failure.error_message if failure else "",
        "request_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }

    record.update(resource_fields(caller, api))
    record["gateway_type"] = caller.gateway
    record["duration"] = f"{rng.lognormvariate(0.3, 0.6):.3f}"
    record["useragent"] = caller.useragent
    record["level"] = "INFO"
    record["version"] = "V1.0"
    return record


def resource_fields(caller: Caller, api: str) -> Record:
    """Build the fields naming what `api` touched: key or secret, its parameters and specs."""
    resources = caller.resources
    version_id = ""
    key_spec = ""
    if api in SIGNING_APIS:
        resource_id = resources.signing_key_id
        key_id = resource_id
        version_id = str(uuid.uuid5(uuid.NAMESPACE_URL, resource_id))
        key_spec = "RSA_2048"
    elif api in SYMMETRIC_APIS:
        resource_id = resources.kms_key_id
        key_id = resource_id
        key_spec = "Aliyun_AES_256"
    else:
        resource_id = resources.secret_name
        key_id = ""
    shared = caller.gateway == SHARED
    return {
        "resource_id": resource_id,
        "resource_parameters": json.dumps(
            {"key_id": key_id, "key_version_id": version_id, "index": ""}, separators=(",", ":")
        ),
        "cmkid": key_id if shared else "",
        "key_version_id": version_id if shared else "",
        "key_state": "Enabled" if shared and key_id else "",
        "domain_type": "",
        "key_spec": key_spec,
        "data_key_spec": "AES_256" if api == "GenerateDataKey" else "",
    }
