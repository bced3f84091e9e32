"""Recipients of a campaign and the ``voiceAnalysis`` Routee reports for them.

Numbers come from ``to``, from the account's contacts (ids in ``options.contacts``; none by
default, so every contact id is unknown) and from its groups (``options.groups``; only the empty
built-in ``All`` by default, other group names count as empty). Duplicates are called once. A number
in E.164 form that libphonenumber cannot place in a country goes into ``errors[]`` instead of
failing the whole request (routee-voice-api.md section 5.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from reconciler.sandbox.api_errors import contact_not_found
from reconciler.sandbox.options import SandboxOptions

UNPLACEABLE = "400013001"


@dataclass
class Recipients:
    """The numbers to call (each with the groups it came from) and the analysis of the request."""

    numbers: dict[str, list[str]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_group: dict[str, int] = field(default_factory=dict)
    in_groups: int = 0

    def analysis(self) -> dict[str, Any]:
        """The ``voiceAnalysis`` object of a campaign or analysis response."""
        per_country: dict[str, int] = {}
        for country in self.countries.values():
            per_country[country] = per_country.get(country, 0) + 1
        return {
            "contacts": self.contacts,
            "numberOfRecipients": len(self.numbers),
            "recipientCountries": dict(self.countries),
            "recipientsPerCountry": per_country,
            "recipientsPerGroup": dict(self.per_group),
            "totalInGroups": self.in_groups,
        }


def resolve_recipients(body: dict[str, Any], options: SandboxOptions) -> Recipients:
    """Collect the recipients of a valid body; raise 404 ``404002001`` for an unknown contact."""
    found = Recipients()
    for number in body.get("to") or []:
        _add(found, number, None)
    for contact_id in body.get("contacts") or []:
        if contact_id not in options.contacts:
            raise contact_not_found(contact_id)
        number = options.contacts[contact_id]
        if _add(found, number, None):
            found.contacts[contact_id] = {"mobile": number, "country": found.countries[number]}
    direct = set(found.numbers)
    for group in body.get("groups") or []:
        members = options.groups.get(group, [])
        found.per_group[group] = len(members)
        for number in members:
            found.in_groups += number not in direct
            _add(found, number, group)
    return found


def country_of(number: str) -> str | None:
    """ISO 3166-1 alpha-2 region of an E.164 number, or None if it belongs to no country."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region not in {"ZZ", "001"} else None


def _add(found: Recipients, number: str, group: str | None) -> bool:
    if number in found.numbers:
        if group is not None and group not in found.numbers[number]:
            found.numbers[number].append(group)
        return True
    country = country_of(number)
    if country is None:
        if not any(e["property"] == number for e in found.errors):
            found.errors.append(
                {
                    "code": UNPLACEABLE,
                    "developerMessage": "Invalid recipient: no country for this number",
                    "property": number,
                }
            )
        return False
    found.numbers[number] = [group] if group is not None else []
    found.countries[number] = country
    return True
