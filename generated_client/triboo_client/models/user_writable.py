from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_access import AnalyticsAccess, check_analytics_access
from ..models.assignable_platform_role import (
    AssignablePlatformRole,
    check_assignable_platform_role,
)
from ..models.gender import Gender, check_gender
from ..models.level_of_education import LevelOfEducation, check_level_of_education
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserWritable")


@_attrs_define
class UserWritable:
    """Profile fields a client may set. Omit a field rather than blank it: `""` or `null`
    is a 400. Unknown fields are ignored by the server. Text values are stripped of
    surrounding spaces; a list, an object or a boolean given for a text field is a 400
    `Not a valid string.` (Django REST framework's `CharField`).

    The constraints here are what a client should send; the fork's `UserSerializer`
    checks fewer. It checks the `auth_user` limits of `username` (150), `first_name` and
    `last_name` (30) and `email` (254) with a 400, but accepts `""` for `first_name`,
    `last_name` and `email` (`blank=True`). It checks no choice: `country`, `gender` and
    `level_of_education` are stored as sent, and the profile's column sizes (the
    `maxLength` values here; `country` 2, `gender` and `level_of_education` 6) are
    enforced by MySQL only, so a longer value is a 500. `year_of_birth` beyond a MySQL
    `INT` is a 500 too. Booleans take Django REST framework 3.6's spellings (`true`,
    `"true"`, `"True"`, `"yes"`, `"on"`, `"1"`, `1`, `1.0` and their opposites; case
    matters); the catalog flags also take `"Yes"`/`"No"`, and any other value crashes
    them (500). In a form body an empty value of an optional field counts as absent
    (`analytics_access` as null).

    """

    username: str | Unset = UNSET
    """ Letters, digits and `@.+-_`, at most 150 characters: Django's
    `ASCIIUsernameValidator`, the model validator of the Django 1.11 / Python 2
    server. Compared ignoring case.
     """
    email: str | Unset = UNSET
    """ What Django's `EmailValidator` accepts (Django 1.11 to 4.2): a dot-atom or quoted
    local part (`sean.o'brien`, `jane+lms`), a domain whose top label has 2 to 63
    letters, digits or hyphens, an IDN domain (through punycode), `localhost` or an
    IP literal. Compared ignoring case. An address holding a comma or a space (a
    quoted local part) is stored, but cannot be used in the comma-separated filters.
     """
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    name: str | Unset = UNSET
    """ Full name as displayed. """
    language: str | Unset = UNSET
    location: str | Unset = UNSET
    year_of_birth: int | Unset = UNSET
    bio: str | Unset = UNSET
    goals: str | Unset = UNSET
    level_of_education: LevelOfEducation | Unset = UNSET
    """ Open edX codes (doctorate, master's, bachelor's, associate, high school, junior high, elementary, none,
    other). """
    gender: Gender | Unset = UNSET
    city: str | Unset = UNSET
    country: str | Unset = UNSET
    """ ISO 3166-1 alpha-2 code. """
    lt_custom_country: str | Unset = UNSET
    lt_area: str | Unset = UNSET
    lt_sub_area: str | Unset = UNSET
    lt_address: str | Unset = UNSET
    lt_address_2: str | Unset = UNSET
    lt_phone_number: str | Unset = UNSET
    lt_company: str | Unset = UNSET
    lt_employee_id: str | Unset = UNSET
    lt_hire_date: datetime.date | Unset = UNSET
    lt_level: str | Unset = UNSET
    lt_job_code: str | Unset = UNSET
    lt_job_description: str | Unset = UNSET
    lt_department: str | Unset = UNSET
    lt_supervisor: str | Unset = UNSET
    lt_learning_group: str | Unset = UNSET
    lt_comments: str | Unset = UNSET
    lt_ilt_supervisor: bool | str | Unset = UNSET
    """ The instructor-led-training supervisor: an e-mail on current builds (an
    `EmailField` in the fork's `UserSerializer`), a boolean on 2021 builds (read with
    Django REST framework 3.6's spellings, as listed in `UserWritable`).
     """
    lt_gdpr: bool | Unset = False
    lt_exempt_status: bool | Unset = True
    lt_is_tos_agreed: bool | Unset = False
    platform_role: AssignablePlatformRole | Unset = UNSET
    """ Roles a client may grant. Learner is the default, and an unknown role is silently
    ignored by the server. `Super Platform Admin` is granted by 2021 builds only (the
    user becomes staff and superuser, and reads back with that role); current builds
    ignore it, so super admin cannot be granted through the current API.
     """
    analytics_access: AnalyticsAccess | Unset = UNSET
    """ Access to Triboo analytics; omit (null) for none. """
    internal_catalog_access: bool | Unset = UNSET
    """ `false` denies the internal catalog (current builds: `true` = allowed). """
    edflex_catalog_access: bool | Unset = UNSET
    """ `false` denies the EdFlex catalog. """
    crehana_catalog_access: bool | Unset = UNSET
    """ `false` denies the Crehana catalog. """
    anderspink_catalog_access: bool | Unset = UNSET
    """ `false` denies the Anders Pink catalog. """
    learnlight_catalog_access: bool | Unset = UNSET
    """ `false` denies the Learnlight catalog. """
    linkedin_catalog_access: bool | Unset = UNSET
    """ LinkedIn Learning catalog (current builds). """
    udemy_catalog_access: bool | Unset = UNSET
    """ Udemy catalog (current builds). """
    founderz_catalog_access: bool | Unset = UNSET
    """ Founderz catalog (current builds). """
    siemens_catalog_access: bool | Unset = UNSET
    """ Siemens catalog (current builds). """
    triboo_centrical_access: bool | Unset = UNSET
    """ Centrical (current builds). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        email = self.email

        first_name = self.first_name

        last_name = self.last_name

        name = self.name

        language = self.language

        location = self.location

        year_of_birth = self.year_of_birth

        bio = self.bio

        goals = self.goals

        level_of_education: str | Unset = UNSET
        if not isinstance(self.level_of_education, Unset):
            level_of_education = self.level_of_education

        gender: str | Unset = UNSET
        if not isinstance(self.gender, Unset):
            gender = self.gender

        city = self.city

        country = self.country

        lt_custom_country = self.lt_custom_country

        lt_area = self.lt_area

        lt_sub_area = self.lt_sub_area

        lt_address = self.lt_address

        lt_address_2 = self.lt_address_2

        lt_phone_number = self.lt_phone_number

        lt_company = self.lt_company

        lt_employee_id = self.lt_employee_id

        lt_hire_date: str | Unset = UNSET
        if not isinstance(self.lt_hire_date, Unset):
            lt_hire_date = self.lt_hire_date.isoformat()

        lt_level = self.lt_level

        lt_job_code = self.lt_job_code

        lt_job_description = self.lt_job_description

        lt_department = self.lt_department

        lt_supervisor = self.lt_supervisor

        lt_learning_group = self.lt_learning_group

        lt_comments = self.lt_comments

        lt_ilt_supervisor: bool | str | Unset
        if isinstance(self.lt_ilt_supervisor, Unset):
            lt_ilt_supervisor = UNSET
        else:
            lt_ilt_supervisor = self.lt_ilt_supervisor

        lt_gdpr = self.lt_gdpr

        lt_exempt_status = self.lt_exempt_status

        lt_is_tos_agreed = self.lt_is_tos_agreed

        platform_role: str | Unset = UNSET
        if not isinstance(self.platform_role, Unset):
            platform_role = self.platform_role

        analytics_access: str | Unset = UNSET
        if not isinstance(self.analytics_access, Unset):
            analytics_access = self.analytics_access

        internal_catalog_access = self.internal_catalog_access

        edflex_catalog_access = self.edflex_catalog_access

        crehana_catalog_access = self.crehana_catalog_access

        anderspink_catalog_access = self.anderspink_catalog_access

        learnlight_catalog_access = self.learnlight_catalog_access

        linkedin_catalog_access = self.linkedin_catalog_access

        udemy_catalog_access = self.udemy_catalog_access

        founderz_catalog_access = self.founderz_catalog_access

        siemens_catalog_access = self.siemens_catalog_access

        triboo_centrical_access = self.triboo_centrical_access

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if username is not UNSET:
            field_dict["username"] = username
        if email is not UNSET:
            field_dict["email"] = email
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if name is not UNSET:
            field_dict["name"] = name
        if language is not UNSET:
            field_dict["language"] = language
        if location is not UNSET:
            field_dict["location"] = location
        if year_of_birth is not UNSET:
            field_dict["year_of_birth"] = year_of_birth
        if bio is not UNSET:
            field_dict["bio"] = bio
        if goals is not UNSET:
            field_dict["goals"] = goals
        if level_of_education is not UNSET:
            field_dict["level_of_education"] = level_of_education
        if gender is not UNSET:
            field_dict["gender"] = gender
        if city is not UNSET:
            field_dict["city"] = city
        if country is not UNSET:
            field_dict["country"] = country
        if lt_custom_country is not UNSET:
            field_dict["lt_custom_country"] = lt_custom_country
        if lt_area is not UNSET:
            field_dict["lt_area"] = lt_area
        if lt_sub_area is not UNSET:
            field_dict["lt_sub_area"] = lt_sub_area
        if lt_address is not UNSET:
            field_dict["lt_address"] = lt_address
        if lt_address_2 is not UNSET:
            field_dict["lt_address_2"] = lt_address_2
        if lt_phone_number is not UNSET:
            field_dict["lt_phone_number"] = lt_phone_number
        if lt_company is not UNSET:
            field_dict["lt_company"] = lt_company
        if lt_employee_id is not UNSET:
            field_dict["lt_employee_id"] = lt_employee_id
        if lt_hire_date is not UNSET:
            field_dict["lt_hire_date"] = lt_hire_date
        if lt_level is not UNSET:
            field_dict["lt_level"] = lt_level
        if lt_job_code is not UNSET:
            field_dict["lt_job_code"] = lt_job_code
        if lt_job_description is not UNSET:
            field_dict["lt_job_description"] = lt_job_description
        if lt_department is not UNSET:
            field_dict["lt_department"] = lt_department
        if lt_supervisor is not UNSET:
            field_dict["lt_supervisor"] = lt_supervisor
        if lt_learning_group is not UNSET:
            field_dict["lt_learning_group"] = lt_learning_group
        if lt_comments is not UNSET:
            field_dict["lt_comments"] = lt_comments
        if lt_ilt_supervisor is not UNSET:
            field_dict["lt_ilt_supervisor"] = lt_ilt_supervisor
        if lt_gdpr is not UNSET:
            field_dict["lt_gdpr"] = lt_gdpr
        if lt_exempt_status is not UNSET:
            field_dict["lt_exempt_status"] = lt_exempt_status
        if lt_is_tos_agreed is not UNSET:
            field_dict["lt_is_tos_agreed"] = lt_is_tos_agreed
        if platform_role is not UNSET:
            field_dict["platform_role"] = platform_role
        if analytics_access is not UNSET:
            field_dict["analytics_access"] = analytics_access
        if internal_catalog_access is not UNSET:
            field_dict["internal_catalog_access"] = internal_catalog_access
        if edflex_catalog_access is not UNSET:
            field_dict["edflex_catalog_access"] = edflex_catalog_access
        if crehana_catalog_access is not UNSET:
            field_dict["crehana_catalog_access"] = crehana_catalog_access
        if anderspink_catalog_access is not UNSET:
            field_dict["anderspink_catalog_access"] = anderspink_catalog_access
        if learnlight_catalog_access is not UNSET:
            field_dict["learnlight_catalog_access"] = learnlight_catalog_access
        if linkedin_catalog_access is not UNSET:
            field_dict["linkedin_catalog_access"] = linkedin_catalog_access
        if udemy_catalog_access is not UNSET:
            field_dict["udemy_catalog_access"] = udemy_catalog_access
        if founderz_catalog_access is not UNSET:
            field_dict["founderz_catalog_access"] = founderz_catalog_access
        if siemens_catalog_access is not UNSET:
            field_dict["siemens_catalog_access"] = siemens_catalog_access
        if triboo_centrical_access is not UNSET:
            field_dict["triboo_centrical_access"] = triboo_centrical_access

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username", UNSET)

        email = d.pop("email", UNSET)

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        name = d.pop("name", UNSET)

        language = d.pop("language", UNSET)

        location = d.pop("location", UNSET)

        year_of_birth = d.pop("year_of_birth", UNSET)

        bio = d.pop("bio", UNSET)

        goals = d.pop("goals", UNSET)

        _level_of_education = d.pop("level_of_education", UNSET)
        level_of_education: LevelOfEducation | Unset
        if isinstance(_level_of_education, Unset):
            level_of_education = UNSET
        else:
            level_of_education = check_level_of_education(_level_of_education)

        _gender = d.pop("gender", UNSET)
        gender: Gender | Unset
        if isinstance(_gender, Unset):
            gender = UNSET
        else:
            gender = check_gender(_gender)

        city = d.pop("city", UNSET)

        country = d.pop("country", UNSET)

        lt_custom_country = d.pop("lt_custom_country", UNSET)

        lt_area = d.pop("lt_area", UNSET)

        lt_sub_area = d.pop("lt_sub_area", UNSET)

        lt_address = d.pop("lt_address", UNSET)

        lt_address_2 = d.pop("lt_address_2", UNSET)

        lt_phone_number = d.pop("lt_phone_number", UNSET)

        lt_company = d.pop("lt_company", UNSET)

        lt_employee_id = d.pop("lt_employee_id", UNSET)

        _lt_hire_date = d.pop("lt_hire_date", UNSET)
        lt_hire_date: datetime.date | Unset
        if isinstance(_lt_hire_date, Unset):
            lt_hire_date = UNSET
        else:
            lt_hire_date = datetime.date.fromisoformat(_lt_hire_date)

        lt_level = d.pop("lt_level", UNSET)

        lt_job_code = d.pop("lt_job_code", UNSET)

        lt_job_description = d.pop("lt_job_description", UNSET)

        lt_department = d.pop("lt_department", UNSET)

        lt_supervisor = d.pop("lt_supervisor", UNSET)

        lt_learning_group = d.pop("lt_learning_group", UNSET)

        lt_comments = d.pop("lt_comments", UNSET)

        def _parse_lt_ilt_supervisor(data: object) -> bool | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | str | Unset, data)

        lt_ilt_supervisor = _parse_lt_ilt_supervisor(d.pop("lt_ilt_supervisor", UNSET))

        lt_gdpr = d.pop("lt_gdpr", UNSET)

        lt_exempt_status = d.pop("lt_exempt_status", UNSET)

        lt_is_tos_agreed = d.pop("lt_is_tos_agreed", UNSET)

        _platform_role = d.pop("platform_role", UNSET)
        platform_role: AssignablePlatformRole | Unset
        if isinstance(_platform_role, Unset):
            platform_role = UNSET
        else:
            platform_role = check_assignable_platform_role(_platform_role)

        _analytics_access = d.pop("analytics_access", UNSET)
        analytics_access: AnalyticsAccess | Unset
        if isinstance(_analytics_access, Unset):
            analytics_access = UNSET
        else:
            analytics_access = check_analytics_access(_analytics_access)

        internal_catalog_access = d.pop("internal_catalog_access", UNSET)

        edflex_catalog_access = d.pop("edflex_catalog_access", UNSET)

        crehana_catalog_access = d.pop("crehana_catalog_access", UNSET)

        anderspink_catalog_access = d.pop("anderspink_catalog_access", UNSET)

        learnlight_catalog_access = d.pop("learnlight_catalog_access", UNSET)

        linkedin_catalog_access = d.pop("linkedin_catalog_access", UNSET)

        udemy_catalog_access = d.pop("udemy_catalog_access", UNSET)

        founderz_catalog_access = d.pop("founderz_catalog_access", UNSET)

        siemens_catalog_access = d.pop("siemens_catalog_access", UNSET)

        triboo_centrical_access = d.pop("triboo_centrical_access", UNSET)

        user_writable = cls(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            name=name,
            language=language,
            location=location,
            year_of_birth=year_of_birth,
            bio=bio,
            goals=goals,
            level_of_education=level_of_education,
            gender=gender,
            city=city,
            country=country,
            lt_custom_country=lt_custom_country,
            lt_area=lt_area,
            lt_sub_area=lt_sub_area,
            lt_address=lt_address,
            lt_address_2=lt_address_2,
            lt_phone_number=lt_phone_number,
            lt_company=lt_company,
            lt_employee_id=lt_employee_id,
            lt_hire_date=lt_hire_date,
            lt_level=lt_level,
            lt_job_code=lt_job_code,
            lt_job_description=lt_job_description,
            lt_department=lt_department,
            lt_supervisor=lt_supervisor,
            lt_learning_group=lt_learning_group,
            lt_comments=lt_comments,
            lt_ilt_supervisor=lt_ilt_supervisor,
            lt_gdpr=lt_gdpr,
            lt_exempt_status=lt_exempt_status,
            lt_is_tos_agreed=lt_is_tos_agreed,
            platform_role=platform_role,
            analytics_access=analytics_access,
            internal_catalog_access=internal_catalog_access,
            edflex_catalog_access=edflex_catalog_access,
            crehana_catalog_access=crehana_catalog_access,
            anderspink_catalog_access=anderspink_catalog_access,
            learnlight_catalog_access=learnlight_catalog_access,
            linkedin_catalog_access=linkedin_catalog_access,
            udemy_catalog_access=udemy_catalog_access,
            founderz_catalog_access=founderz_catalog_access,
            siemens_catalog_access=siemens_catalog_access,
            triboo_centrical_access=triboo_centrical_access,
        )

        user_writable.additional_properties = d
        return user_writable

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
