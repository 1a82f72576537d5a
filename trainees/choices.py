"""Choices shared by the models, forms, filters and serializers of trainees."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Subject(models.TextChoices):
    CHINESE = "chinese", _("语文")
    MATHEMATICS = "mathematics", _("数学")
    ENGLISH = "english", _("英语")
    PHYSICS = "physics", _("物理")
    CHEMISTRY = "chemistry", _("化学")
    BIOLOGY = "biology", _("生物")
    POLITICS = "politics", _("道德与法治/思想政治")
    HISTORY = "history", _("历史")
    GEOGRAPHY = "geography", _("地理")
    PHYSICAL_EDUCATION = "physical_education", _("体育与健康")
    MUSIC = "music", _("音乐")
    ART = "art", _("美术")
    INFORMATION_TECHNOLOGY = "information_technology", _("信息科技")
    SCIENCE = "science", _("科学")
    MINORITY_LANGUAGE = "minority_language", _("民族语文")
    PRESCHOOL = "preschool", _("学前教育")
    SPECIAL_EDUCATION = "special_education", _("特殊教育")
    MENTAL_HEALTH = "mental_health", _("心理健康")
    OTHER = "other", _("其他")


class CareerStage(models.TextChoices):
    """Career stages used by the documents (000 四(二)2-7, 002 三(二)4)."""

    PROBATIONARY = "probationary", _("见习期")
    NEW = "new", _("新任教师（1-3年）")
    YOUNG = "young", _("青年教师（4-6年）")
    MATURE = "mature", _("成熟期教师")
    BACKBONE = "backbone", _("骨干教师")
    EXPERT = "expert", _("名师（名校长）")


class GroupCode(models.TextChoices):
    """Teacher groups the policies' requirement rows apply to (POLICIES §6 group words)."""

    NEW_TEACHER = "new_teacher", _("新任教师")
    CLASS_TEACHER = "class_teacher", _("班主任")
    KINDERGARTEN = "kindergarten", _("幼儿园教师")
    IT_KEY_TARGET = "it_key_target", _("信息化重点培育对象")
    PRINCIPAL = "principal", _("校长")
    BACKBONE_PRINCIPAL = "backbone_principal", _("骨干校长")
    MIDDLE_MANAGER = "middle_manager", _("中层干部")
    YOUNG_BACKBONE = "young_backbone", _("青年骨干教师")
    FAMOUS_TEACHER = "famous_teacher", _("名优教师")
    WEAK_SUBJECT = "weak_subject", _("薄弱学科教师")
    BACKBONE = "backbone", _("骨干教师")
    PRINCIPAL_CERTIFIED = "principal_certified", _("已取得任职资格的校长")
    DEVELOPMENT_SCHOOL = "development_school", _("教师专业发展学校教师")


class DisclosureChannel(models.TextChoices):
    """Where a whole ID number was shown (身份证号码查看记录)."""

    PAGE = "page", _("页面")
    ADMIN = "admin", _("管理后台")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
