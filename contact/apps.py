from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"

    def ready(self) -> None:
        from cases.signals import case_moved, cases_opened
        from contact import handlers  # noqa: F401 - registers the scheduled-work handlers
        from contact.closures import on_case_moved, on_cases_opened

        # Every move of a case schedules or cancels its automatic closure (contact.closures).
        case_moved.connect(on_case_moved, dispatch_uid="contact.closures.on_case_moved")
        cases_opened.connect(on_cases_opened, dispatch_uid="contact.closures.on_cases_opened")
