"""The sandbox's data: organisations, API clients, users, courses, enrollments, progress.

Everything is generated from a seed, deterministically: the same ``--seed``, ``--users``
and ``today`` give the same tenant. Progress is stored once per enrollment; badges and
past snapshots are derived from it on demand, so 100 000 users with several enrollments
each stay small in memory.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from triboo_sandbox.fields import CATALOG_FLAGS, LEGACY_ROLE_SPELLING, PROFILE_DEFAULTS
from triboo_sandbox.generations import CURRENT, CURRENT_ONLY_FLAGS, RAW_CATEGORIES, Generation

DEMO_ORG = "acme"
OTHER_ORG = "globex"
AWAY_ORG = "__away__"  # where the `leave_after` fault moves records: no client sees it
STATUSES = ("Not Started", "In Progress", "Successful", "Unsuccessful")
_FIRST = [
    "Jane",
    "Marie",
    "Ahmed",
    "Lucía",
    "Kenji",
    "Olga",
    "Tomás",
    "Priya",
    "Noah",
    "Chloé",
    "Ivan",
    "Amara",
    "Lars",
    "Sofia",
    "Mateo",
    "Aisha",
    "Pierre",
    "Mei",
    "Diego",
    "Hannah",
    "Yusuf",
    "Elena",
    "Karim",
    "Ingrid",
    "Omar",
    "Nora",
    "Felix",
    "Leila",
    "Hugo",
    "Zoe",
]
_LAST = [
    "Deer",
    "Martin",
    "Okafor",
    "Müller",
    "Rossi",
    "Tanaka",
    "Novak",
    "Dubois",
    "García",
    "Smith",
    "Kowalski",
    "Haddad",
    "Jensen",
    "Silva",
    "Nguyen",
    "Petrov",
    "Moreau",
    "Costa",
    "Fischer",
    "Ali",
    "Berg",
    "Laurent",
    "Ivanova",
    "Schmidt",
    "Park",
]
_DEPARTMENTS = [
    "Finance",
    "Sales",
    "Marketing",
    "Engineering",
    "Operations",
    "Legal",
    "HR",
    "Support",
    "Logistics",
    "Research",
]
_COUNTRIES = ["FR", "DE", "ES", "IT", "GB", "US", "CH", "BE", "NL", "PL", "SE", "PT"]
_LANGUAGES = ("en", "fr", "de", "es", "it")
_TOPICS = (
    ("SEC", "Security Awareness"),
    ("GDPR", "Data Protection Essentials"),
    ("ETH", "Business Ethics"),
    ("LEAD", "Leading Teams"),
    ("NEG", "Negotiation Skills"),
    ("AGILE", "Agile Fundamentals"),
    ("EXCEL", "Spreadsheets for Analysts"),
    ("SALES", "Consultative Selling"),
    ("ONB", "Welcome Onboarding"),
    ("DIV", "Diversity and Inclusion"),
    ("HSE", "Health and Safety"),
    ("COMM", "Effective Communication"),
)
_CATEGORIES = ("Online", "ILT", "Virtual classroom", "Blended learning", "Microlearning")
_BADGE_RULES = ("Quiz", "Assignment", "Final exam")


@dataclass(slots=True)
class ApiClient:
    """An OAuth2 client and the API user it acts as."""

    client_id: str
    client_secret: str
    username: str
    org: str
    is_staff: bool = True
    is_superuser: bool = True


@dataclass(slots=True)
class User:
    user_id: int
    org: str
    username: str
    email: str
    is_active: bool = True
    is_superuser: bool = False
    profile: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, generation: Generation = CURRENT) -> dict[str, Any]:
        """Every profile field, as ``generation`` sends it (without ``user_id``)."""
        data = {**PROFILE_DEFAULTS, **self.profile}
        data["username"] = self.username
        data["email"] = self.email
        data["is_active"] = self.is_active
        if generation.legacy_roles:
            role = data["platform_role"]
            data["platform_role"] = LEGACY_ROLE_SPELLING.get(role, role)
        if generation.legacy_catalog_flags:
            # Stored as "access allowed"; the 2021 plugin's flags meant "access denied".
            for flag in CATALOG_FLAGS - CURRENT_ONLY_FLAGS:
                data[flag] = not data[flag]
            for flag in CURRENT_ONLY_FLAGS:
                del data[flag]
        return data


@dataclass(slots=True)
class Course:
    key: str
    org: str
    title: str
    start: dt.datetime
    category: str
    language: str
    tags: tuple[str, ...]
    badges: tuple[str, ...]
    modified: dt.datetime

    def as_dict(self, base_url: str, generation: Generation = CURRENT) -> dict[str, Any]:
        data = self._fields(base_url)
        if not generation.current_course_fields:
            data["short_description"] = data.pop("description")
            data["effort"] = data.pop("duration")
            data["course_category"] = RAW_CATEGORIES.get(self.category, self.category)
        return data

    def _fields(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.key,
            "display_name": self.title,
            "overview_url": f"{base_url}/courses/{self.key}/about",
            "start": iso(self.start),
            "card_image_url": f"{base_url}/asset-v1:{self.key[10:]}+type@asset+block@card.jpg",
            "banner_image_url": f"{base_url}/static/images/pencils.jpg",
            "description": f"{self.title}: the essentials, with practice.",
            "duration": "2 hours",
            "instructors": [
                {
                    "name": "Ada Martin",
                    "title": "Learning designer",
                    "organization": "Learning Tribes",
                    "image": None,
                    "bio": None,
                }
            ],
            "language": self.language,
            "course_category": self.category,
            "tags": list(self.tags),
            "countries": [],
            "learning_groups": [],
            "modified": iso(self.modified),
        }


@dataclass(slots=True)
class Enrollment:
    """One enrollment and its progress as of the last nightly analytics run."""

    course_key: str
    enrolled: dt.datetime
    last_activity: dt.datetime
    status: str
    progress: int
    score: int
    time_spent: int
    completed: dt.datetime | None = None
    is_active: bool = True


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def fold(identifier: str) -> str:
    """A username or e-mail as the server compares it: ignoring case and trailing spaces,
    as the default (PAD SPACE) collation of Open edX's MySQL database does (look-ups,
    filters, "already used")."""
    return identifier.casefold().rstrip(" ")


def iso(moment: dt.datetime | None) -> str | None:
    """ISO-8601 in UTC with ``Z``, microseconds only when they are not zero (as the server)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Store:
    """The tenant's state. Not thread-safe: the app serialises access with one lock."""

    def __init__(self, *, seed: int = 42, users: int = 2000, today: dt.date | None = None) -> None:
        self.seed = seed
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.clients: dict[str, ApiClient] = {}
        self.users: dict[int, User] = {}
        self.by_username: dict[str, int] = {}  # by fold(username)
        self.by_email: dict[str, int] = {}  # by fold(email)
        self.courses: dict[str, Course] = {}
        self.enrollments: dict[int, dict[str, Enrollment]] = {}
        self.allowed: dict[str, dict[str, bool]] = {}  # fold(email) -> course key -> auto_enroll
        self._by_org: dict[str, list[User]] = {}  # in creation (id) order, for paging
        self._next_id = 1
        self._populate(users)

    # -- seeding -------------------------------------------------------------------------

    def _populate(self, users: int) -> None:
        rng = random.Random(self.seed)  # noqa: S311 - demo data, not security
        self.clients["demo-client"] = ApiClient("demo-client", "demo-secret", "api-acme", DEMO_ORG)
        self.clients["globex-client"] = ApiClient(
            "globex-client", "globex-secret", "api-globex", OTHER_ORG
        )
        self.clients["staff-only-client"] = ApiClient(
            "staff-only-client", "staff-only-secret", "staff-acme", DEMO_ORG, is_superuser=False
        )
        for client in self.clients.values():
            self.add_user(
                client.org,
                client.username,
                f"{client.username}@example.com",
                {
                    "first_name": "API",
                    "last_name": "User",
                    "name": "API user",
                    "platform_role": "Platform Super Admin",
                },
                superuser=True,
            )
        self._seed_org(rng, DEMO_ORG, users, courses=36)
        self._seed_org(rng, OTHER_ORG, max(50, users // 20), courses=6)

    def _seed_org(self, rng: random.Random, org: str, count: int, courses: int) -> None:
        start = dt.datetime.combine(self.today, dt.time(), dt.UTC) - dt.timedelta(days=720)
        keys = []
        for index in range(courses):
            code, title = _TOPICS[index % len(_TOPICS)]
            run = 2024 + index // len(_TOPICS)
            key = f"course-v1:{org}+{code}{101 + index}+{run}_T{1 + index % 3}"
            self.courses[key] = Course(
                key=key,
                org=org,
                title=f"{title} {run}",
                start=start + dt.timedelta(days=7 * index),
                category=_CATEGORIES[index % len(_CATEGORIES)],
                language=_LANGUAGES[index % len(_LANGUAGES)],
                tags=(code.lower(), "mandatory" if index < 3 else "elective"),
                badges=tuple(
                    f"{rule} ▸ Section {n + 1}"
                    for n, rule in enumerate(_BADGE_RULES[: 1 + index % 3])
                ),
                modified=start + dt.timedelta(days=7 * index + 3),
            )
            keys.append(key)
        supervisors: list[str] = []
        for _ in range(count):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            # Open edX's default username validator is ASCII-only: fold the accents away.
            username = _ascii(f"{first}.{last}.{self._next_id}".lower())
            email = f"{username}@{org}.example.com"
            profile: dict[str, Any] = {
                "first_name": first,
                "last_name": last,
                "name": f"{first} {last}",
                "language": rng.choice(_LANGUAGES),
                "country": rng.choice(_COUNTRIES),
                "lt_department": rng.choice(_DEPARTMENTS),
                "lt_employee_id": f"E{self._next_id:06d}",
                "lt_hire_date": (self.today - dt.timedelta(days=rng.randint(30, 3650))).isoformat(),
            }
            if supervisors:
                profile["lt_supervisor"] = rng.choice(supervisors)
            if rng.random() < 0.05:
                profile["platform_role"] = rng.choice(("Studio Admin", "Platform Admin"))
            user = self.add_user(org, username, email, profile)
            if len(supervisors) < 40 and rng.random() < 0.05:
                supervisors.append(email)
            user.is_active = rng.random() >= 0.03
            for key in rng.sample(keys, k=min(len(keys), max(0, round(rng.gauss(4, 1.5))))):
                self._seed_enrollment(rng, user.user_id, key)

    def _seed_enrollment(self, rng: random.Random, user_id: int, key: str) -> None:
        now = dt.datetime.combine(self.today, dt.time(), dt.UTC)
        enrolled = now - dt.timedelta(seconds=rng.randint(86400, 400 * 86400))
        roll = rng.random()
        status = STATUSES[0 if roll < 0.2 else 1 if roll < 0.6 else 2 if roll < 0.9 else 3]
        span = (now - enrolled).total_seconds()
        last = (
            enrolled + dt.timedelta(seconds=rng.uniform(0, span))
            if status != STATUSES[0]
            else enrolled
        )
        progress = {STATUSES[0]: 0, STATUSES[1]: rng.randint(1, 99)}.get(status, 100)
        score = {STATUSES[0]: 0, STATUSES[2]: rng.randint(70, 100), STATUSES[3]: rng.randint(0, 59)}
        self.enrollments.setdefault(user_id, {})[key] = Enrollment(
            course_key=key,
            enrolled=enrolled.replace(microsecond=rng.choice((0, rng.randint(1, 999999)))),
            last_activity=last,
            status=status,
            progress=progress,
            score=score.get(status, rng.randint(0, 80)),
            time_spent=0 if status == STATUSES[0] else rng.randint(300, 40000),
            completed=last if status in STATUSES[2:] else None,
        )

    # -- users ---------------------------------------------------------------------------

    def add_user(
        self,
        org: str,
        username: str,
        email: str,
        profile: dict[str, Any],
        *,
        superuser: bool = False,
    ) -> User:
        user = User(self._next_id, org, username, email, is_superuser=superuser, profile=profile)
        self._next_id += 1
        self.users[user.user_id] = user
        self._by_org.setdefault(org, []).append(user)
        self.by_username[fold(username)] = user.user_id
        self.by_email[fold(email)] = user.user_id
        for key, auto in self.allowed.pop(fold(email), {}).items():
            if auto:
                self.enroll(user.user_id, key)
        return user

    def find(
        self,
        org: str,
        *,
        user_id: int | None = None,
        username: str | None = None,
        email: str | None = None,
    ) -> User | None:
        """A user of ``org`` by id, username or e-mail; users of other orgs are absent."""
        user = self.find_anywhere(user_id=user_id, username=username, email=email)
        return user if user is not None and user.org == org else None

    def find_anywhere(
        self, *, user_id: int | None = None, username: str | None = None, email: str | None = None
    ) -> User | None:
        """A user of any organisation (bulk enroll looks users up globally)."""
        if user_id is None:
            index, value = (
                (self.by_username, username) if username is not None else (self.by_email, email)
            )
            user_id = index.get(fold(value or ""))
        return self.users.get(user_id) if user_id is not None else None

    def org_users(self, org: str) -> list[User]:
        """The organisation's users in id order: the store's own list, not to be changed."""
        return self._by_org.get(org, [])

    def move(self, user: User, org: str) -> None:
        """Move ``user`` to ``org``, keeping each organisation's list in id order."""
        self._by_org[user.org].remove(user)
        user.org = org
        members = self._by_org.setdefault(org, [])
        members.insert(bisect.bisect(members, user.user_id, key=lambda u: u.user_id), user)

    def leave(self) -> list[tuple[User | Course, str]]:
        """Move each organisation's first user who is not a superuser, and its first course,
        out of it (to ``AWAY_ORG``); return what moved, with where it was."""
        moved: list[tuple[User | Course, str]] = []
        for org in [o for o in self._by_org if o != AWAY_ORG]:
            user = next((u for u in self._by_org[org] if not u.is_superuser), None)
            if user is not None:
                moved.append((user, org))
                self.move(user, AWAY_ORG)
            course = next((c for c in self.courses.values() if c.org == org), None)
            if course is not None:
                moved.append((course, org))
                course.org = AWAY_ORG
        return moved

    def rejoin(self, moved: list[tuple[User | Course, str]]) -> None:
        """Undo :meth:`leave`."""
        for record, org in moved:
            if isinstance(record, User):
                self.move(record, org)
            else:
                record.org = org

    def rename(self, user: User, *, username: str | None = None, email: str | None = None) -> None:
        if username is not None:
            del self.by_username[fold(user.username)]
            user.username = username
            self.by_username[fold(username)] = user.user_id
        if email is not None:
            del self.by_email[fold(user.email)]
            user.email = email
            self.by_email[fold(email)] = user.user_id

    # -- enrollments ---------------------------------------------------------------------

    def enroll(self, user_id: int, key: str) -> None:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        existing = self.enrollments.setdefault(user_id, {}).get(key)
        if existing is not None:
            existing.is_active = True
            return
        self.enrollments[user_id][key] = Enrollment(key, now, now, STATUSES[0], 0, 0, 0)

    def unenroll(self, user_id: int, key: str) -> None:
        existing = self.enrollments.get(user_id, {}).get(key)
        if existing is not None:
            existing.is_active = False

    def is_enrolled(self, user_id: int, key: str) -> bool:
        existing = self.enrollments.get(user_id, {}).get(key)
        return existing is not None and existing.is_active

    # -- reports -------------------------------------------------------------------------

    def badges(self, user_id: int, enrollment: Enrollment) -> list[dict[str, Any]]:
        """Badge results, derived from progress: badge n of k is earned at n/k progress."""
        course = self.courses[enrollment.course_key]
        results = []
        for index, title in enumerate(course.badges):
            threshold = 100 * (index + 1) // len(course.badges)
            reached = enrollment.progress >= threshold
            digest = hashlib.blake2s(f"{self.seed}:{user_id}:{title}".encode(), digest_size=2)
            score = int.from_bytes(digest.digest()) % 41 + 60 if reached else None
            success = reached and enrollment.status != STATUSES[3]
            results.append(
                {
                    "badge": title,
                    "score": score,
                    "success": success,
                    "success_date": iso(enrollment.last_activity) if success else None,
                }
            )
        return results

    def user_report(self, user: User, *, with_email: bool = True) -> dict[str, Any]:
        courses = []
        for enrollment in self.enrollments.get(user.user_id, {}).values():
            if not enrollment.is_active:
                continue
            courses.append(
                {
                    "course_id": enrollment.course_key,
                    "course_title": self.courses[enrollment.course_key].title,
                    "status": enrollment.status,
                    "progress": enrollment.progress,
                    "current_score": enrollment.score,
                    "total_time_spent": enrollment.time_spent,
                    "enrollment_date": iso(enrollment.enrolled),
                    "completion_date": iso(enrollment.completed),
                    "badges": self.badges(user.user_id, enrollment),
                }
            )
        report: dict[str, Any] = {
            "user_id": user.user_id,
            "username": user.username,
            "name": user.profile.get("name", ""),
        }
        if with_email:
            report["email"] = user.email
        report["courses"] = courses
        return report

    def course_report(
        self, course: Course, start: dt.date | None, end: dt.date | None
    ) -> dict[str, Any]:
        """Active users actively enrolled in ``course``, optionally as of day ``end``."""
        rows = []
        lower = dt.datetime.combine(start, dt.time(), dt.UTC) if start else None
        upper = dt.datetime.combine(end, dt.time(), dt.UTC) if end else None
        for user in self.users.values():
            enrollment = self.enrollments.get(user.user_id, {}).get(course.key)
            if user.org != course.org or not user.is_active or enrollment is None:
                continue
            if not enrollment.is_active:
                continue
            if upper is not None and enrollment.enrolled >= upper:
                continue
            if lower is not None and enrollment.last_activity < lower:
                continue
            rows.append(self._snapshot(user, enrollment, end))
        return {"course_id": course.key, "course_title": course.title, "enrollments": rows}

    def _snapshot(self, user: User, enrollment: Enrollment, day: dt.date | None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "username": user.username,
            "user_id": user.user_id,
            "name": user.profile.get("name", ""),
            "enrollment_date": iso(enrollment.enrolled),
        }
        if day is not None and day > self.today:
            # No analytics snapshot exists yet for that day: the progress fields are null.
            row.update(
                status=None,
                progress=None,
                current_score=None,
                total_time_spent=None,
                completion_date=None,
            )
            return row
        moment = dt.datetime.combine(day, dt.time(), dt.UTC) if day else None
        if moment is None or moment >= enrollment.last_activity:
            row.update(
                status=enrollment.status,
                progress=enrollment.progress,
                current_score=enrollment.score,
                total_time_spent=enrollment.time_spent,
                completion_date=iso(enrollment.completed),
            )
            return row
        span = (enrollment.last_activity - enrollment.enrolled).total_seconds() or 1.0
        share = max(0.0, (moment - enrollment.enrolled).total_seconds() / span)
        progress = int(enrollment.progress * share)
        row.update(
            status=STATUSES[1] if progress else STATUSES[0],
            progress=progress,
            current_score=int(enrollment.score * share),
            total_time_spent=int(enrollment.time_spent * share),
            completion_date=None,
        )
        return row
