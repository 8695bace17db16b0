from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "打印与公文"

    def ready(self) -> None:
        from recruitment.registry import add_applicant_panel

        add_applicant_panel("documents/_applicant_panel.html", order=30)
