"""/volunteers/: the volunteer service's pages (mounted by config.urls)."""

from django.urls import path

from volunteers.views import activities, organisation, service, volunteer, wishes

app_name = "volunteers"
urlpatterns = [
    # The volunteer's own pages, phone first.
    path("volunteers/", volunteer.home, name="home"),
    path("volunteers/profile/", volunteer.profile, name="profile"),
    path("volunteers/profile/register/", volunteer.register, name="register"),
    path("volunteers/profile/registrations/<int:pk>/withdraw/", volunteer.withdraw_own_registration, name="withdraw"),
    path("volunteers/profile/leave/", volunteer.leave_add, name="leave_add"),
    path("volunteers/leave/<int:pk>/cancel/", volunteer.leave_cancel, name="leave_cancel"),
    path("volunteers/profile/calendar/", volunteer.calendar_renew, name="calendar_renew"),
    path("volunteers/calendar/<str:token>.ics", volunteer.calendar_feed, name="calendar"),
    path("volunteers/me/hours/", volunteer.my_hours, name="my_hours"),
    path("volunteers/certificates/issue/", volunteer.certificate_issue, name="certificate_issue"),
    path("volunteers/certificates/<int:pk>/", volunteer.certificate, name="certificate"),
    path("volunteers/scan/<int:pk>/<str:code>/", volunteer.scan, name="scan"),
    path("volunteers/duty/<int:signup_pk>/swap/", volunteer.swap_new, name="swap_new"),
    path("volunteers/swaps/<int:pk>/answer/", volunteer.swap_answer, name="swap_answer"),
    path("volunteers/swaps/<int:pk>/withdraw/", volunteer.swap_withdraw, name="swap_withdraw"),
    # Activities: sign-up for volunteers, the roll and attendance for organisers.
    path("volunteers/activities/", activities.activity_list, name="activities"),
    path("volunteers/activities/new/", activities.activity_new, name="activity_new"),
    path("volunteers/activities/<int:pk>/", activities.activity_detail, name="activity"),
    path("volunteers/activities/<int:pk>/signup/", activities.activity_signup, name="activity_signup"),
    path("volunteers/activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("volunteers/activities/<int:pk>/call-off/", activities.activity_call_off, name="activity_call_off"),
    path("volunteers/activities/<int:pk>/capacity/", activities.activity_capacity, name="activity_capacity"),
    path("volunteers/activities/<int:pk>/attendance/", activities.activity_attendance, name="activity_attendance"),
    path("volunteers/activities/<int:pk>/add/", activities.activity_add_person, name="activity_add"),
    path("volunteers/activities/<int:pk>/qr/", activities.activity_qr, name="activity_qr"),
    path("volunteers/activities/<int:pk>/attendance.xlsx", activities.activity_export, name="activity_export"),
    # 双报到, the people, the roster.
    path("volunteers/registrations/", organisation.registrations, name="registrations"),
    path("volunteers/registrations/new/", organisation.registration_new, name="registration_new"),
    path("volunteers/registrations/<int:pk>/decide/", organisation.registration_decide, name="registration_decide"),
    path(
        "volunteers/registrations/<int:pk>/withdraw/", organisation.registration_withdraw, name="registration_withdraw"
    ),
    path("volunteers/people/", organisation.people, name="people"),
    path("volunteers/people/new/", organisation.person_new, name="person_new"),
    path("volunteers/people/<int:pk>/", organisation.person, name="person"),
    path("volunteers/people/<int:pk>/leave/", organisation.person_leave, name="person_leave"),
    path("volunteers/roster/", organisation.roster_page, name="roster"),
    path("volunteers/roster/rules/new/", organisation.rule_new, name="rule_new"),
    path("volunteers/roster/rules/<int:pk>/generate/", organisation.roster_generate, name="roster_generate"),
    path("volunteers/roster/reassign/", organisation.duty_reassign, name="duty_reassign"),
    # Micro-wishes.
    path("volunteers/wishes/", wishes.wish_list, name="wishes"),
    path("volunteers/wishes/new/", wishes.wish_new, name="wish_new"),
    path("volunteers/wishes/<int:pk>/", wishes.wish_detail, name="wish"),
    path(
        "volunteers/wishes/<int:pk>/<str:action>/",
        wishes.wish_action,
        name="wish_action",
    ),
    # Hours, coverage and rankings.
    path("volunteers/service/", service.hours, name="hours"),
    path("volunteers/service/export.xlsx", service.hours_export, name="hours_export"),
]
