from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（.csv UTF-8 或 .xlsx）")
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 .csv 或 .xlsx 文件")
        return f
