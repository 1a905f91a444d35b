from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_access import AnalyticsAccess, check_analytics_access
from ..models.gender import Gender, check_gender
from ..models.legacy_status import LegacyStatus, check_legacy_status
from ..models.level_of_education import LevelOfEducation, check_level_of_education
from ..models.platform_role import PlatformRole, check_platform_role
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCreated")


@_attrs_define
class UserCreated:
    """The created user's profile. There is no `user_id`."""

    username: str
    email: str
    status: LegacyStatus | str
    """ `user_created` (known values in `LegacyStatus`). """
    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    name: str | Unset = UNSET
    language: None | str | Unset = UNSET
    location: None | str | Unset = UNSET
    year_of_birth: int | None | Unset = UNSET
    bio: None | str | Unset = UNSET
    goals: None | str | Unset = UNSET
    level_of_education: LevelOfEducation | None | str | Unset = UNSET
    gender: Gender | None | str | Unset = UNSET
    city: None | str | Unset = UNSET
    country: None | str | Unset = UNSET
    lt_custom_country: None | str | Unset = UNSET
    lt_area: None | str | Unset = UNSET
    lt_sub_area: None | str | Unset = UNSET
    lt_address: None | str | Unset = UNSET
    lt_address_2: None | str | Unset = UNSET
    lt_phone_number: None | str | Unset = UNSET
    lt_company: None | str | Unset = UNSET
    lt_employee_id: None | str | Unset = UNSET
    lt_hire_date: datetime.date | None | Unset = UNSET
    lt_level: None | str | Unset = UNSET
    lt_job_code: None | str | Unset = UNSET
    lt_job_description: None | str | Unset = UNSET
    lt_department: None | str | Unset = UNSET
    lt_supervisor: None | str | Unset = UNSET
    lt_learning_group: None | str | Unset = UNSET
    lt_comments: None | str | Unset = UNSET
    lt_ilt_supervisor: bool | None | str | Unset = UNSET
    """ An e-mail on current builds, a boolean on 2021 builds. """
    lt_gdpr: bool | None | Unset = UNSET
    lt_exempt_status: bool | None | Unset = UNSET
    lt_is_tos_agreed: bool | None | Unset = UNSET
    platform_role: None | PlatformRole | str | Unset = UNSET
    """ Known values in `PlatformRole`. """
    analytics_access: AnalyticsAccess | None | str | Unset = UNSET
    internal_catalog_access: bool | None | Unset = UNSET
    edflex_catalog_access: bool | None | Unset = UNSET
    crehana_catalog_access: bool | None | Unset = UNSET
    anderspink_catalog_access: bool | None | Unset = UNSET
    learnlight_catalog_access: bool | None | Unset = UNSET
    linkedin_catalog_access: bool | None | Unset = UNSET
    udemy_catalog_access: bool | None | Unset = UNSET
    founderz_catalog_access: bool | None | Unset = UNSET
    siemens_catalog_access: bool | None | Unset = UNSET
    triboo_centrical_access: bool | None | Unset = UNSET
    is_active: bool | Unset = UNSET
    """ Current builds: always `true` (create forces it, whatever the body says).
    2021 builds send no `is_active`.
     """
    password_reset_link: str | Unset = UNSET
    """ A link the user can follow to set a password (current builds). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        email = self.email

        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        first_name = self.first_name

        last_name = self.last_name

        name = self.name

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        year_of_birth: int | None | Unset
        if isinstance(self.year_of_birth, Unset):
            year_of_birth = UNSET
        else:
            year_of_birth = self.year_of_birth

        bio: None | str | Unset
        if isinstance(self.bio, Unset):
            bio = UNSET
        else:
            bio = self.bio

        goals: None | str | Unset
        if isinstance(self.goals, Unset):
            goals = UNSET
        else:
            goals = self.goals

        level_of_education: None | str | Unset
        if isinstance(self.level_of_education, Unset):
            level_of_education = UNSET
        elif isinstance(self.level_of_education, str):
            level_of_education = self.level_of_education
        else:
            level_of_education = self.level_of_education

        gender: None | str | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        elif isinstance(self.gender, str):
            gender = self.gender
        else:
            gender = self.gender

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        country: None | str | Unset
        if isinstance(self.country, Unset):
            country = UNSET
        else:
            country = self.country

        lt_custom_country: None | str | Unset
        if isinstance(self.lt_custom_country, Unset):
            lt_custom_country = UNSET
        else:
            lt_custom_country = self.lt_custom_country

        lt_area: None | str | Unset
        if isinstance(self.lt_area, Unset):
            lt_area = UNSET
        else:
            lt_area = self.lt_area

        lt_sub_area: None | str | Unset
        if isinstance(self.lt_sub_area, Unset):
            lt_sub_area = UNSET
        else:
            lt_sub_area = self.lt_sub_area

        lt_address: None | str | Unset
        if isinstance(self.lt_address, Unset):
            lt_address = UNSET
        else:
            lt_address = self.lt_address

        lt_address_2: None | str | Unset
        if isinstance(self.lt_address_2, Unset):
            lt_address_2 = UNSET
        else:
            lt_address_2 = self.lt_address_2

        lt_phone_number: None | str | Unset
        if isinstance(self.lt_phone_number, Unset):
            lt_phone_number = UNSET
        else:
            lt_phone_number = self.lt_phone_number

        lt_company: None | str | Unset
        if isinstance(self.lt_company, Unset):
            lt_company = UNSET
        else:
            lt_company = self.lt_company

        lt_employee_id: None | str | Unset
        if isinstance(self.lt_employee_id, Unset):
            lt_employee_id = UNSET
        else:
            lt_employee_id = self.lt_employee_id

        lt_hire_date: None | str | Unset
        if isinstance(self.lt_hire_date, Unset):
            lt_hire_date = UNSET
        elif isinstance(self.lt_hire_date, datetime.date):
            lt_hire_date = self.lt_hire_date.isoformat()
        else:
            lt_hire_date = self.lt_hire_date

        lt_level: None | str | Unset
        if isinstance(self.lt_level, Unset):
            lt_level = UNSET
        else:
            lt_level = self.lt_level

        lt_job_code: None | str | Unset
        if isinstance(self.lt_job_code, Unset):
            lt_job_code = UNSET
        else:
            lt_job_code = self.lt_job_code

        lt_job_description: None | str | Unset
        if isinstance(self.lt_job_description, Unset):
            lt_job_description = UNSET
        else:
            lt_job_description = self.lt_job_description

        lt_department: None | str | Unset
        if isinstance(self.lt_department, Unset):
            lt_department = UNSET
        else:
            lt_department = self.lt_department

        lt_supervisor: None | str | Unset
        if isinstance(self.lt_supervisor, Unset):
            lt_supervisor = UNSET
        else:
            lt_supervisor = self.lt_supervisor

        lt_learning_group: None | str | Unset
        if isinstance(self.lt_learning_group, Unset):
            lt_learning_group = UNSET
        else:
            lt_learning_group = self.lt_learning_group

        lt_comments: None | str | Unset
        if isinstance(self.lt_comments, Unset):
            lt_comments = UNSET
        else:
            lt_comments = self.lt_comments

        lt_ilt_supervisor: bool | None | str | Unset
        if isinstance(self.lt_ilt_supervisor, Unset):
            lt_ilt_supervisor = UNSET
        else:
            lt_ilt_supervisor = self.lt_ilt_supervisor

        lt_gdpr: bool | None | Unset
        if isinstance(self.lt_gdpr, Unset):
            lt_gdpr = UNSET
        else:
            lt_gdpr = self.lt_gdpr

        lt_exempt_status: bool | None | Unset
        if isinstance(self.lt_exempt_status, Unset):
            lt_exempt_status = UNSET
        else:
            lt_exempt_status = self.lt_exempt_status

        lt_is_tos_agreed: bool | None | Unset
        if isinstance(self.lt_is_tos_agreed, Unset):
            lt_is_tos_agreed = UNSET
        else:
            lt_is_tos_agreed = self.lt_is_tos_agreed

        platform_role: None | str | Unset
        if isinstance(self.platform_role, Unset):
            platform_role = UNSET
        elif isinstance(self.platform_role, str):
            platform_role = self.platform_role
        else:
            platform_role = self.platform_role

        analytics_access: None | str | Unset
        if isinstance(self.analytics_access, Unset):
            analytics_access = UNSET
        elif isinstance(self.analytics_access, str):
            analytics_access = self.analytics_access
        else:
            analytics_access = self.analytics_access

        internal_catalog_access: bool | None | Unset
        if isinstance(self.internal_catalog_access, Unset):
            internal_catalog_access = UNSET
        else:
            internal_catalog_access = self.internal_catalog_access

        edflex_catalog_access: bool | None | Unset
        if isinstance(self.edflex_catalog_access, Unset):
            edflex_catalog_access = UNSET
        else:
            edflex_catalog_access = self.edflex_catalog_access

        crehana_catalog_access: bool | None | Unset
        if isinstance(self.crehana_catalog_access, Unset):
            crehana_catalog_access = UNSET
        else:
            crehana_catalog_access = self.crehana_catalog_access

        anderspink_catalog_access: bool | None | Unset
        if isinstance(self.anderspink_catalog_access, Unset):
            anderspink_catalog_access = UNSET
        else:
            anderspink_catalog_access = self.anderspink_catalog_access

        learnlight_catalog_access: bool | None | Unset
        if isinstance(self.learnlight_catalog_access, Unset):
            learnlight_catalog_access = UNSET
        else:
            learnlight_catalog_access = self.learnlight_catalog_access

        linkedin_catalog_access: bool | None | Unset
        if isinstance(self.linkedin_catalog_access, Unset):
            linkedin_catalog_access = UNSET
        else:
            linkedin_catalog_access = self.linkedin_catalog_access

        udemy_catalog_access: bool | None | Unset
        if isinstance(self.udemy_catalog_access, Unset):
            udemy_catalog_access = UNSET
        else:
            udemy_catalog_access = self.udemy_catalog_access

        founderz_catalog_access: bool | None | Unset
        if isinstance(self.founderz_catalog_access, Unset):
            founderz_catalog_access = UNSET
        else:
            founderz_catalog_access = self.founderz_catalog_access

        siemens_catalog_access: bool | None | Unset
        if isinstance(self.siemens_catalog_access, Unset):
            siemens_catalog_access = UNSET
        else:
            siemens_catalog_access = self.siemens_catalog_access

        triboo_centrical_access: bool | None | Unset
        if isinstance(self.triboo_centrical_access, Unset):
            triboo_centrical_access = UNSET
        else:
            triboo_centrical_access = self.triboo_centrical_access

        is_active = self.is_active

        password_reset_link = self.password_reset_link

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "email": email,
                "status": status,
            }
        )
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
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if password_reset_link is not UNSET:
            field_dict["password_reset_link"] = password_reset_link

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        email = d.pop("email")

        def _parse_status(data: object) -> LegacyStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_legacy_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LegacyStatus | str, data)

        status = _parse_status(d.pop("status"))

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        name = d.pop("name", UNSET)

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_year_of_birth(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        year_of_birth = _parse_year_of_birth(d.pop("year_of_birth", UNSET))

        def _parse_bio(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bio = _parse_bio(d.pop("bio", UNSET))

        def _parse_goals(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        goals = _parse_goals(d.pop("goals", UNSET))

        def _parse_level_of_education(data: object) -> LevelOfEducation | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                level_of_education_type_0 = check_level_of_education(data)

                return level_of_education_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LevelOfEducation | None | str | Unset, data)

        level_of_education = _parse_level_of_education(d.pop("level_of_education", UNSET))

        def _parse_gender(data: object) -> Gender | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                gender_type_0 = check_gender(data)

                return gender_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gender | None | str | Unset, data)

        gender = _parse_gender(d.pop("gender", UNSET))

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        def _parse_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country = _parse_country(d.pop("country", UNSET))

        def _parse_lt_custom_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_custom_country = _parse_lt_custom_country(d.pop("lt_custom_country", UNSET))

        def _parse_lt_area(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_area = _parse_lt_area(d.pop("lt_area", UNSET))

        def _parse_lt_sub_area(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_sub_area = _parse_lt_sub_area(d.pop("lt_sub_area", UNSET))

        def _parse_lt_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_address = _parse_lt_address(d.pop("lt_address", UNSET))

        def _parse_lt_address_2(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_address_2 = _parse_lt_address_2(d.pop("lt_address_2", UNSET))

        def _parse_lt_phone_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_phone_number = _parse_lt_phone_number(d.pop("lt_phone_number", UNSET))

        def _parse_lt_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_company = _parse_lt_company(d.pop("lt_company", UNSET))

        def _parse_lt_employee_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_employee_id = _parse_lt_employee_id(d.pop("lt_employee_id", UNSET))

        def _parse_lt_hire_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lt_hire_date_type_0 = datetime.date.fromisoformat(data)

                return lt_hire_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        lt_hire_date = _parse_lt_hire_date(d.pop("lt_hire_date", UNSET))

        def _parse_lt_level(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_level = _parse_lt_level(d.pop("lt_level", UNSET))

        def _parse_lt_job_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_job_code = _parse_lt_job_code(d.pop("lt_job_code", UNSET))

        def _parse_lt_job_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_job_description = _parse_lt_job_description(d.pop("lt_job_description", UNSET))

        def _parse_lt_department(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_department = _parse_lt_department(d.pop("lt_department", UNSET))

        def _parse_lt_supervisor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_supervisor = _parse_lt_supervisor(d.pop("lt_supervisor", UNSET))

        def _parse_lt_learning_group(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_learning_group = _parse_lt_learning_group(d.pop("lt_learning_group", UNSET))

        def _parse_lt_comments(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lt_comments = _parse_lt_comments(d.pop("lt_comments", UNSET))

        def _parse_lt_ilt_supervisor(data: object) -> bool | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | str | Unset, data)

        lt_ilt_supervisor = _parse_lt_ilt_supervisor(d.pop("lt_ilt_supervisor", UNSET))

        def _parse_lt_gdpr(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        lt_gdpr = _parse_lt_gdpr(d.pop("lt_gdpr", UNSET))

        def _parse_lt_exempt_status(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        lt_exempt_status = _parse_lt_exempt_status(d.pop("lt_exempt_status", UNSET))

        def _parse_lt_is_tos_agreed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        lt_is_tos_agreed = _parse_lt_is_tos_agreed(d.pop("lt_is_tos_agreed", UNSET))

        def _parse_platform_role(data: object) -> None | PlatformRole | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                platform_role_type_0 = check_platform_role(data)

                return platform_role_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlatformRole | str | Unset, data)

        platform_role = _parse_platform_role(d.pop("platform_role", UNSET))

        def _parse_analytics_access(data: object) -> AnalyticsAccess | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                analytics_access_type_0 = check_analytics_access(data)

                return analytics_access_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnalyticsAccess | None | str | Unset, data)

        analytics_access = _parse_analytics_access(d.pop("analytics_access", UNSET))

        def _parse_internal_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        internal_catalog_access = _parse_internal_catalog_access(d.pop("internal_catalog_access", UNSET))

        def _parse_edflex_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        edflex_catalog_access = _parse_edflex_catalog_access(d.pop("edflex_catalog_access", UNSET))

        def _parse_crehana_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        crehana_catalog_access = _parse_crehana_catalog_access(d.pop("crehana_catalog_access", UNSET))

        def _parse_anderspink_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        anderspink_catalog_access = _parse_anderspink_catalog_access(d.pop("anderspink_catalog_access", UNSET))

        def _parse_learnlight_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        learnlight_catalog_access = _parse_learnlight_catalog_access(d.pop("learnlight_catalog_access", UNSET))

        def _parse_linkedin_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        linkedin_catalog_access = _parse_linkedin_catalog_access(d.pop("linkedin_catalog_access", UNSET))

        def _parse_udemy_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        udemy_catalog_access = _parse_udemy_catalog_access(d.pop("udemy_catalog_access", UNSET))

        def _parse_founderz_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        founderz_catalog_access = _parse_founderz_catalog_access(d.pop("founderz_catalog_access", UNSET))

        def _parse_siemens_catalog_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        siemens_catalog_access = _parse_siemens_catalog_access(d.pop("siemens_catalog_access", UNSET))

        def _parse_triboo_centrical_access(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        triboo_centrical_access = _parse_triboo_centrical_access(d.pop("triboo_centrical_access", UNSET))

        is_active = d.pop("is_active", UNSET)

        password_reset_link = d.pop("password_reset_link", UNSET)

        user_created = cls(
            username=username,
            email=email,
            status=status,
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
            is_active=is_active,
            password_reset_link=password_reset_link,
        )

        user_created.additional_properties = d
        return user_created

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
