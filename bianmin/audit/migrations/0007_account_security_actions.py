# Written by hand from `makemigrations audit --dry-run -v 3` (issue 11: account-security audit actions).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_append_only_everywhere'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('LOGIN', '登录成功'), ('LOGIN_FAILED', '登录失败'), ('LOCKOUT', '账号锁定'), ('UNLOCK', '解除锁定'), ('LOGOUT', '退出登录'), ('PASSWORD_CHANGE', '修改密码'), ('TOKEN_ISSUED', '签发接口令牌'), ('ROLE_GRANT', '授予角色'), ('ROLE_REVOKE', '撤销角色'), ('CONFIG_CREATE', '新增配置'), ('CONFIG_UPDATE', '修改配置'), ('CONFIG_DELETE', '删除配置'), ('CATALOG_VERSION', '事项新版本'), ('CATALOG_PUBLISH', '事项发布'), ('CALENDAR_CHANGE', '工作日历变更'), ('PERSONAL_DATA_VIEW', '查看完整个人信息'), ('CASE_TRANSITION', '办件状态变更'), ('CASE_CHANGE', '办件信息变更'), ('INQUIRY_CHANGE', '首问登记变更'), ('NOTIFICATION', '消息通知'), ('SWEEP', '时限巡检'), ('ACCOUNTABILITY', '过错责任追究'), ('MEETING', '联席会议'), ('PASSWORD_RESET', '重置密码'), ('OTP_RESET', '重置第二因素'), ('RESET_REQUESTED', '申请重置（待复核）'), ('RESET_APPROVED', '复核通过重置'), ('RESET_REJECTED', '驳回重置申请'), ('OTP_ENROLLED', '绑定第二因素')], db_index=True, max_length=32, verbose_name='事件'),
        ),
    ]
