"""Build `first_names.tsv`, the given names whose gender is near certain, from nomquamgender's data.

Usage:
    pip download nomquamgender==0.1.4 --no-deps -d /tmp/nqg
    python3 -m attribution.data.build_first_names /tmp/nqg/nomquamgender-0.1.4-py3-none-any.whl

nomquamgender (MIT licence, Van Buskirk, Clauset and Larremore, 2023) gives, for 720,000 names,
the number of sources and people behind each and the share of them who were women. A name
is kept when at least MIN_SOURCES sources and MIN_PEOPLE people stand behind it and at most
MAX_MINORITY of them had the other gender; names that are also common words or places
("Will", "Hope", "Georgia", "China") are left out, since a capitalised word opening a name
is too often not a given name at all. The output is one `name<TAB>m|f<TAB>common` per line,
sorted, where `common` (1 or 0) says at least COMMON_PEOPLE people bear the name: a single word
written alone ("Lina said") is taken for a given name only then, not a surname such as "Brewer".
"""
from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

MIN_SOURCES = 3
MIN_PEOPLE = 20
MAX_MINORITY = 0.05
COMMON_PEOPLE = 5000  # a name borne by this many people is a given name even written alone
NAME = re.compile(r"[a-z]+(-[a-z]+)?")
NOT_GIVEN_NAMES = frozenset("""
will hope faith joy mercy grace summer autumn april may june august winter star sky rain river
king queen prince princess lord lady general major mount fort saint bishop pastor judge chief
victoria georgia carolina virginia florida india china jordan israel paris london sydney york
christian liberal labour justice unity liberty
""".split())
OUTPUT = Path(__file__).with_name("first_names.tsv")


def build(wheel: str) -> dict[str, tuple[str, int]]:
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read("nomquamgender/name_data.json"))
    genders = {}
    for name, (sources, people, female_share, *_) in data.items():
        if not NAME.fullmatch(name) or name in NOT_GIVEN_NAMES or sources < MIN_SOURCES or people < MIN_PEOPLE:
            continue
        common = int(people >= COMMON_PEOPLE)
        if female_share <= MAX_MINORITY:
            genders[name] = ("m", common)
        elif female_share >= 1 - MAX_MINORITY:
            genders[name] = ("f", common)
    return genders


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    genders = build(sys.argv[1])
    OUTPUT.write_text("".join(f"{name}\t{gender}\t{common}\n" for name, (gender, common) in sorted(genders.items())), encoding="utf-8")
    print(f"{OUTPUT}: {len(genders)} names")


if __name__ == "__main__":
    main()
