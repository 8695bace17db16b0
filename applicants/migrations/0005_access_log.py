"""The access log of personal data: who viewed, downloaded or exported a person's data, when, from where."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applicants', '0004_material_withdrawal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                ('kind', models.CharField(choices=[('view', '查看人员信息'), ('download', '下载文件'), ('export', '导出')], max_length=10, verbose_name='类别')),
                ('what', models.CharField(max_length=300, verbose_name='内容')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                ('applicant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_log', to='applicants.applicant', verbose_name='人员')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '访问记录',
                'verbose_name_plural': '个人信息访问记录',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['applicant', 'at'], name='accesslog_applicant_at'), models.Index(fields=['user', 'at'], name='accesslog_user_at')],
            },
        ),
    ]
