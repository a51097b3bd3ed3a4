"""Check-digit algorithms used by ISBN, ISSN, ORCID/ISNI, EAN and ROR."""

from __future__ import annotations

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def isbn10_check_digit(first9: str) -> str:
    """The check character (0-9 or X) of an ISBN-10 from its first nine digits."""
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def ean13_check_digit(first12: str) -> str:
    """The check digit of an EAN-13 / ISBN-13 from its first twelve digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_isbn10(digits: str) -> bool:
    """True for ten characters (nine digits + digit or X) with a correct check digit."""
    return (
        len(digits) == 10
        and digits[:9].isdigit()
        and (digits[9].isdigit() or digits[9] in "Xx")
        and isbn10_check_digit(digits[:9]) == digits[9].upper()
    )


def is_valid_ean13(digits: str) -> bool:
    """True for thirteen digits with a correct EAN-13 check digit."""
    return len(digits) == 13 and digits.isdigit() and ean13_check_digit(digits[:12]) == digits[12]


def issn_check_digit(first7: str) -> str:
    """The check character (0-9 or X) of an ISSN from its first seven digits."""
    total = sum((8 - i) * int(d) for i, d in enumerate(first7))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def is_valid_issn(digits: str) -> bool:
    """True for eight characters (seven digits + digit or X) with a correct check digit."""
    return (
        len(digits) == 8
        and digits[:7].isdigit()
        and (digits[7].isdigit() or digits[7] in "Xx")
        and issn_check_digit(digits[:7]) == digits[7].upper()
    )


def mod11_2_check_digit(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character, as used by ORCID and ISNI."""
    total = 0
    for d in digits:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def is_valid_mod11_2(digits: str) -> bool:
    """True for 16 characters whose last one is the MOD 11-2 check of the first 15."""
    return (
        len(digits) == 16
        and digits[:15].isdigit()
        and mod11_2_check_digit(digits[:15]) == digits[15].upper()
    )


def crockford_decode(text: str) -> int:
    """Decode Crockford base32 (case-insensitive); raises ValueError on a bad character."""
    value = 0
    for ch in text.lower():
        index = _CROCKFORD.find(ch)
        if index < 0:
            raise ValueError(f"not a Crockford base32 character: {ch!r}")
        value = value * 32 + index
    return value


def ror_checksum(body: str) -> str:
    """The two-digit ISO 7064 MOD 97-10 checksum of a ROR id's first seven characters."""
    number = crockford_decode(body)
    return f"{98 - (number * 100) % 97:02d}"
