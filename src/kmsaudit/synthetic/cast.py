"""Callers of the synthetic KMS instance, the resources they touch and how their calls end.

A `Usage` ties one caller to a schedule and an outcome policy; a `Cast` is the instance plus its
usages. The record factory turns each call of a usage into one `kms_audit_log` record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random
from typing import Protocol

from kmsaudit.synthetic.schedules import Schedule

DEDICATED = "dedicated"
SHARED = "shared"


@dataclass(frozen=True, slots=True)
class Instance:
    """The KMS instance whose Logstore the records come from."""

    instance_id: str
    region_id: str
    user_id: str
    log_source: str
    log_client_ip: str


@dataclass(frozen=True, slots=True)
class Resources:
    """The KMS keys and secret a caller's requests touch, chosen per API."""

    kms_key_id: str
    signing_key_id: str
    secret_name: str


@dataclass(frozen=True, slots=True)
class Caller:
    """The identity fields a caller's records carry, and how its client behaves.

    For an AAP caller `principal_id` is the AAP name and `access_key_id` a client key ID; for a RAM
    identity `principal_id` is a numeric UID and `access_key_id` an AccessKey ID. An AAP caller
    through the shared gateway has an empty `access_key_id` and `access_key_fingerprint`.
    """

    identity_type: str
    principal_id: str
    account_id: str
    access_key_id: str
    access_key_fingerprint: str
    gateway: str
    useragent: str
    client_ips: tuple[str, ...]
    apis: tuple[str, ...]
    resources: Resources


@dataclass(frozen=True, slots=True)
class Failure:
    """The status and error fields of a failed call."""

    status_code: int
    error_code: str
    error_message: str


class Outcomes(Protocol):
    """Outcome policy of a usage: `pick` returns `None` for success, or the failure to record."""

    def pick(self, rng: Random) -> Failure | None: ...


COMMON_FAILURES = (
    Failure(400, "Rejected.Disabled", "The specified key is disabled."),
    Failure(400, "InvalidParameter", "The parameter Plaintext is invalid."),
    Failure(403, "Forbidden.NoPermission", "This operation is forbidden by the access policy."),
    Failure(404, "Forbidden.KeyNotFound", "The specified key is not found."),
)


@dataclass(frozen=True, slots=True)
class MostlySucceeds:
    """Calls succeed except a fraction `failure_rate`, which fail with a common error."""

    failure_rate: float = 0.02

    def pick(self, rng: Random) -> Failure | None:
        if rng.random() >= self.failure_rate:
            return None
        return rng.choice(COMMON_FAILURES)


@dataclass(frozen=True, slots=True)
class AlwaysFails:
    """Every call fails with `failure`."""

    failure: Failure

    def pick(self, rng: Random) -> Failure | None:
        return self.failure


@dataclass(frozen=True, slots=True)
class Usage:
    """One caller following one schedule. `story` describes it for humans (the sample README)."""

    caller: Caller
    schedule: Schedule
    outcomes: Outcomes
    story: str


@dataclass(frozen=True, slots=True)
class Cast:
    """A KMS instance and every usage of it that generated records reflect."""

    instance: Instance
    usages: tuple[Usage, ...]


def client_key_fingerprint(key_id: str) -> str:
    """Return a stable stand-in for a client key's public key digest, `sha256-<hex>`.

    Real fingerprints hash the public key; hashing the key ID keeps synthetic ones deterministic.
    """
    return "sha256-" + hashlib.sha256(key_id.encode("ascii")).hexdigest()


def aap_caller(
    aap_name: str,
    key_id: str,
    account_id: str,
    useragent: str,
    client_ips: tuple[str, ...],
    apis: tuple[str, ...],
    resources: Resources,
) -> Caller:
    """Build the caller of an application access point using client key `key_id`.

    An empty `key_id` makes a shared-gateway caller, whose records carry no client key at all.
    """
    shared = not key_id
    return Caller(
        identity_type="aap",
        principal_id=aap_name,
        account_id=account_id,
        access_key_id=key_id,
        access_key_fingerprint="" if shared else client_key_fingerprint(key_id),
        gateway=SHARED if shared else DEDICATED,
        useragent=useragent,
        client_ips=client_ips,
        apis=apis,
        resources=resources,
    )


def ram_caller(
    identity_type: str,
    principal_id: str,
    account_id: str,
    access_key_id: str,
    useragent: str,
    client_ips: tuple[str, ...],
    apis: tuple[str, ...],
    resources: Resources,
) -> Caller:
    """Build a RAM identity (`cloud-account`, `ram-user`, `ram-role`) calling the shared gateway."""
    return Caller(
        identity_type=identity_type,
        principal_id=principal_id,
        account_id=account_id,
        access_key_id=access_key_id,
        access_key_fingerprint="",
        gateway=SHARED,
        useragent=useragent,
        client_ips=client_ips,
        apis=apis,
        resources=resources,
    )
