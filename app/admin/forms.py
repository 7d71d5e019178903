from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.i18n import lazy_gettext as _l
from app.labels import ROLE_LABELS, UNIT_KIND_LABELS


def _role_choices():
    return [("", _l("— choose —"))] + list(ROLE_LABELS.items())


def _coerce_optional_int(value):
    return int(value) if value not in (None, "", "None") and str(value).isdecimal() else None


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the person's full name.")),
                                                         Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])
    org_unit_id = SelectField(_l("Unit"), coerce=_coerce_optional_int)
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()
        self.org_unit_id.choices = [(None, _l("— choose —"))] + list(unit_choices)


class UserCreateForm(UserEditForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter a username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password."))])
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The passwords differ."))])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password."))])
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The passwords differ."))])


class OrgUnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code.")), Length(max=32)])
    name = StringField(_l("Name (Thai)"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"))
    parent_id = SelectField(_l("Belongs to"), coerce=_coerce_optional_int)
    active = BooleanField(_l("Active"), default=True)
    # Letterhead (thai-documents.md): printed on the office's letters.
    letter_prefix = StringField(_l("Letter number prefix (e.g. ศธ 0206.3)"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address on letters"), validators=[Optional(), Length(max=300)])
    section = StringField(_l("Owning section"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=60)])
    email = StringField(_l("Office e-mail"), validators=[Optional(), Length(max=120)])
    signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])
    signer_position = StringField(_l("Signer's position"), validators=[Optional(), Length(max=200)])
    # The emblem in the 3 cm at the top of external letters (issue 18); checked by its content in the service.
    emblem = FileField(_l("Emblem on letters (PNG or JPEG, at most 1 MB)"))
    remove_emblem = BooleanField(_l("Remove the emblem"))

    def __init__(self, *args, kinds=(), parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, UNIT_KIND_LABELS[k]) for k in kinds]
        self.parent_id.choices = [(None, _l("— none —"))] + list(parent_choices)
