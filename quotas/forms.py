from __future__ import annotations

from django import forms

from recruitment.models import Sector

from .models import Structure

# Bounds for every number a form takes (issue 12): a plan or an allocation counts people in one county,
# a reserve ratio is a small multiple.
MAX_PEOPLE = 100_000
MAX_RATIO = 100
PCT = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5, "required": False}


def _pct_input(placeholder: str) -> forms.NumberInput:
    return forms.NumberInput(
        attrs={"class": "form-control form-control-sm", "step": "0.01", "placeholder": placeholder}
    )


class PlanTotalForm(forms.Form):
    total = forms.IntegerField(
        label="计划总数（名）",
        min_value=0,
        max_value=MAX_PEOPLE,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label="调整原因",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "调整已确定的总数时必填"}),
    )


class AllocationForm(forms.Form):
    """One integer field per target organization (``org_<pk>``) plus a reason for 调剂."""

    reason = forms.CharField(
        label="调剂原因",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "改变已下达的指标时必填"}),
    )

    def __init__(self, *args, targets=(), current: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.targets = list(targets)
        for org in self.targets:
            self.fields[f"org_{org.pk}"] = forms.IntegerField(
                label=org.name,
                min_value=0,
                max_value=MAX_PEOPLE,
                required=False,
                initial=current.get(org.pk, 0),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end mw-7em"}),
            )

    def amounts(self) -> dict[int, int]:
        return {org.pk: self.cleaned_data.get(f"org_{org.pk}") or 0 for org in self.targets}

    def field_for(self, org):
        return self[f"org_{org.pk}"]


class TransferForm(forms.Form):
    from_org = forms.TypedChoiceField(label="调出", coerce=int, widget=forms.Select(attrs={"class": "form-select"}))
    to_org = forms.TypedChoiceField(label="调入", coerce=int, widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.IntegerField(
        label="调剂数量", min_value=1, max_value=MAX_PEOPLE, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    reason = forms.CharField(label="调剂原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.name) for o in targets]
        self.fields["from_org"].choices = choices
        self.fields["to_org"].choices = choices


SECTOR_KEYS = list(Sector.values)
STRUCTURE_KEYS = list(Structure.values)


class RatioRulesForm(forms.Form):
    """Min/max percent per sector and structure item; empty = not checked."""

    reserve_applicants = forms.IntegerField(
        label="入党申请人",
        max_value=MAX_RATIO,
        min_value=0,
        initial=5,
        widget=forms.NumberInput(attrs={"class": "form-control mw-6em"}),
    )
    reserve_activists = forms.IntegerField(
        label="入党积极分子",
        max_value=MAX_RATIO,
        min_value=0,
        initial=4,
        widget=forms.NumberInput(attrs={"class": "form-control mw-6em"}),
    )
    reserve_members = forms.IntegerField(
        label="发展党员",
        max_value=MAX_RATIO,
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "form-control mw-6em"}),
    )
    notes = forms.CharField(
        label="说明（依据文件等）",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, keys in (("sector", SECTOR_KEYS), ("structure", STRUCTURE_KEYS)):
            for i, key in enumerate(keys):
                self.fields[f"{prefix}_{i}_min"] = forms.DecimalField(
                    label=f"{key} 不低于（%）", widget=_pct_input("不考核"), **PCT
                )
                self.fields[f"{prefix}_{i}_max"] = forms.DecimalField(
                    label=f"{key} 不高于（%）", widget=_pct_input("不考核"), **PCT
                )

    @staticmethod
    def initial_from(rule_set) -> dict:
        if rule_set is None:
            return {}
        data = {
            "reserve_applicants": rule_set.reserve_applicants,
            "reserve_activists": rule_set.reserve_activists,
            "reserve_members": rule_set.reserve_members,
            "notes": rule_set.notes,
        }
        for rule in rule_set.rules.all():
            keys = SECTOR_KEYS if rule.kind == "sector" else STRUCTURE_KEYS
            if rule.key in keys:
                i = keys.index(rule.key)
                data[f"{rule.kind}_{i}_min"] = rule.min_pct
                data[f"{rule.kind}_{i}_max"] = rule.max_pct
        return data

    def rows(self, prefix: str):
        keys = SECTOR_KEYS if prefix == "sector" else STRUCTURE_KEYS
        return [(key, self[f"{prefix}_{i}_min"], self[f"{prefix}_{i}_max"]) for i, key in enumerate(keys)]

    def sector_rows(self):
        return self.rows("sector")

    def structure_rows(self):
        return self.rows("structure")

    def bounds(self, prefix: str) -> dict:
        keys = SECTOR_KEYS if prefix == "sector" else STRUCTURE_KEYS
        return {
            key: (self.cleaned_data.get(f"{prefix}_{i}_min"), self.cleaned_data.get(f"{prefix}_{i}_max"))
            for i, key in enumerate(keys)
        }
