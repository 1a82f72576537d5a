"""Choices of training projects and records; their values are the simulator vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The tier of the issuing unit (004 五(三) 项目级别以发文单位级别为准)."""

    NATIONAL = "national", _("国家级")
    REGION = "region", _("自治区（省）级")
    PREFECTURE = "prefecture", _("地州市级")
    COUNTY = "county", _("县市区级")
    SCHOOL = "school", _("校级")


class Mode(models.TextChoices):
    CENTRALIZED = "centralized", _("集中培训")
    ONLINE = "online", _("网络研修")
    SCHOOL_BASED = "school_based", _("校本研修")


class Category(models.TextChoices):
    """Course categories (004 三) plus the extra requirement words of POLICIES §6."""

    COMPULSORY_PUBLIC = "compulsory_public", _("必修·公共课")
    COMPULSORY_PROFESSIONAL = "compulsory_professional", _("必修·专业课")
    ELECTIVE = "elective", _("选修课")
    SCHOOL_BASED = "school_based", _("校本研修")
    INDUCTION = "induction", _("新教师适岗（入职）培训")
    ETHICS = "ethics", _("师德培训")
    FULL_STAFF = "full_staff", _("全员培训")
    ONLINE_COURSE = "online_course", _("网络课程")
    IT_CAPABILITY = "it_capability", _("信息技术应用能力")
    CLOUD_CLASSROOM = "cloud_classroom", _("开放性云课堂")
    PRINCIPAL_QUALIFICATION = "principal_qualification", _("校长任职资格培训")
    PRINCIPAL_IMPROVEMENT = "principal_improvement", _("校长在职提高培训")
    PRINCIPAL_ADVANCED = "principal_advanced", _("骨干校长高级研修")
    MIDDLE_MANAGER = "middle_manager", _("中层干部培训")
    YOUNG_BACKBONE = "young_backbone", _("青年骨干教师培训")
    FAMOUS_TEACHER = "famous_teacher", _("名优教师培训")
    WEAK_SUBJECT = "weak_subject", _("薄弱学科教师培训")
    KINDERGARTEN = "kindergarten", _("幼儿教师培训")
    CLASS_TEACHER = "class_teacher", _("班主任（德育干部）培训")


class ProjectKind(models.TextChoices):
    TRAINING = "training", _("培训")
    DEGREE = "degree", _("学历提升")  # 004 五(二)3


class ReviewStatus(models.TextChoices):
    """Review of a project by the bureau's CE office (004 六(二) 未经审核的不予登记学分)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已退回")


class Grade(models.TextChoices):
    FAIL = "fail", _("不合格")
    PASS = "pass", _("合格")
    GOOD = "good", _("良好")
    EXCELLENT = "excellent", _("优秀")


class RecordRole(models.TextChoices):
    TRAINEE = "trainee", _("学员")
    LEAD_INSTRUCTOR = "lead_instructor", _("主讲教师")


class RecordStatus(models.TextChoices):
    """Where a record stands on its way to the ledger (004 六(一)4 学分登记申报, 五(三) 认定)."""

    DRAFT = "draft", _("待申报")
    DECLARED = "declared", _("已申报待审核")
    APPROVED = "approved", _("已认定")
    REJECTED = "rejected", _("已退回")
