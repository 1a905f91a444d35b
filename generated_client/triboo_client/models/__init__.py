"""Contains all the data models used in inputs/outputs"""

from .access_token import AccessToken
from .analytics_access import AnalyticsAccess
from .api_error import ApiError
from .assignable_platform_role import AssignablePlatformRole
from .authentication_error import AuthenticationError
from .badge import Badge
from .bulk_enroll_course_result import BulkEnrollCourseResult
from .bulk_enroll_request import BulkEnrollRequest
from .bulk_enroll_response import BulkEnrollResponse
from .bulk_enroll_response_courses import BulkEnrollResponseCourses
from .bulk_enroll_result import BulkEnrollResult
from .course import Course
from .course_category import CourseCategory
from .course_enrollment_progress import CourseEnrollmentProgress
from .course_page import CoursePage
from .course_progress_report import CourseProgressReport
from .course_status import CourseStatus
from .deactivation_result import DeactivationResult
from .deactivation_status import DeactivationStatus
from .enrollment import Enrollment
from .enrollment_action import EnrollmentAction
from .enrollment_course_details import EnrollmentCourseDetails
from .enrollment_error import EnrollmentError
from .enrollment_request import EnrollmentRequest
from .enrollment_state import EnrollmentState
from .extended_bulk_enroll_course_result import ExtendedBulkEnrollCourseResult
from .extended_bulk_enroll_error import ExtendedBulkEnrollError
from .extended_bulk_enroll_error_results_item import ExtendedBulkEnrollErrorResultsItem
from .extended_bulk_enroll_request import ExtendedBulkEnrollRequest
from .extended_bulk_enroll_response import ExtendedBulkEnrollResponse
from .extended_bulk_enroll_response_courses import ExtendedBulkEnrollResponseCourses
from .extended_bulk_enroll_result import ExtendedBulkEnrollResult
from .extended_enrollment_state import ExtendedEnrollmentState
from .extended_identifier import ExtendedIdentifier
from .field_errors import FieldErrors
from .gender import Gender
from .grant_type import GrantType
from .instructor import Instructor
from .legacy_status import LegacyStatus
from .level_of_education import LevelOfEducation
from .o_auth_error import OAuthError
from .o_auth_error_code import OAuthErrorCode
from .page import Page
from .platform_role import PlatformRole
from .requested_token_type import RequestedTokenType
from .token_error_code import TokenErrorCode
from .token_request import TokenRequest
from .token_type import TokenType
from .user import User
from .user_course_progress import UserCourseProgress
from .user_create import UserCreate
from .user_created import UserCreated
from .user_page import UserPage
from .user_profile import UserProfile
from .user_progress_report import UserProgressReport
from .user_progress_report_page import UserProgressReportPage
from .user_update import UserUpdate
from .user_updated import UserUpdated
from .user_writable import UserWritable

__all__ = (
    "AccessToken",
    "AnalyticsAccess",
    "ApiError",
    "AssignablePlatformRole",
    "AuthenticationError",
    "Badge",
    "BulkEnrollCourseResult",
    "BulkEnrollRequest",
    "BulkEnrollResponse",
    "BulkEnrollResponseCourses",
    "BulkEnrollResult",
    "Course",
    "CourseCategory",
    "CourseEnrollmentProgress",
    "CoursePage",
    "CourseProgressReport",
    "CourseStatus",
    "DeactivationResult",
    "DeactivationStatus",
    "Enrollment",
    "EnrollmentAction",
    "EnrollmentCourseDetails",
    "EnrollmentError",
    "EnrollmentRequest",
    "EnrollmentState",
    "ExtendedBulkEnrollCourseResult",
    "ExtendedBulkEnrollError",
    "ExtendedBulkEnrollErrorResultsItem",
    "ExtendedBulkEnrollRequest",
    "ExtendedBulkEnrollResponse",
    "ExtendedBulkEnrollResponseCourses",
    "ExtendedBulkEnrollResult",
    "ExtendedEnrollmentState",
    "ExtendedIdentifier",
    "FieldErrors",
    "Gender",
    "GrantType",
    "Instructor",
    "LegacyStatus",
    "LevelOfEducation",
    "OAuthError",
    "OAuthErrorCode",
    "Page",
    "PlatformRole",
    "RequestedTokenType",
    "TokenErrorCode",
    "TokenRequest",
    "TokenType",
    "User",
    "UserCourseProgress",
    "UserCreate",
    "UserCreated",
    "UserPage",
    "UserProfile",
    "UserProgressReport",
    "UserProgressReportPage",
    "UserUpdate",
    "UserUpdated",
    "UserWritable",
)
