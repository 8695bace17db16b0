from django import forms

from .models import OrgLevel, Sector


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（.csv UTF-8 或 .xlsx）")
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 .csv 或 .xlsx 文件")
        return f


class OrgFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "名称或编码"}))
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部层级")] + OrgLevel.choices)
    sector = forms.ChoiceField(label="领域", required=False, choices=[("", "全部领域")] + Sector.choices)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "姓名或支部"}))
    status = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), ("正式党员", "正式党员"), ("预备党员", "预备党员")]
    )
