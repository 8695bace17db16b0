"""The jobs models, moved here from quotas — in the migration state only.

Their tables were created by ``quotas/0001_jobs`` and keep their names and rows (each model's
``db_table`` is its old ``quotas_…`` name); ``quotas/0002_move_jobs_models_to_jobs`` took them out of
quotas' state just before. On a fresh database the same holds: quotas creates the tables, jobs
adopts them. Nothing is created, dropped or copied here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('quotas', '0002_move_jobs_models_to_jobs'),
        ('recruitment', '0004_indexes_for_scale'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='跟踪日期')),
                        ('note', models.TextField(verbose_name='跟踪指导情况')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='记录人')),
                        ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='recruitment.organization', verbose_name='党支部')),
                    ],
                    options={
                        'verbose_name': '跟踪指导记录',
                        'verbose_name_plural': '跟踪指导记录',
                        'db_table': 'quotas_followup',
                        'ordering': ['-date', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('compliance', '结构比例与预警月报'), ('scan', '未发展党员组织扫描'), ('deadline', '到期提醒')], max_length=20, verbose_name='任务')),
                        ('period', models.CharField(max_length=20, verbose_name='期次')),
                        ('status', models.CharField(choices=[('pending', '待入队（消息队列不可用，将自动重试）'), ('queued', '已入队'), ('running', '执行中'), ('done', '已完成'), ('failed', '失败')], default='pending', max_length=10, verbose_name='状态')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='发起时间')),
                        ('queued_at', models.DateTimeField(blank=True, null=True, verbose_name='入队时间')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('enqueue_attempts', models.PositiveIntegerField(default=0, verbose_name='入队尝试次数')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='邮件总数')),
                        ('message', models.TextField(blank=True, verbose_name='结果说明')),
                        ('error', models.TextField(blank=True, verbose_name='错误')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '后台任务',
                        'verbose_name_plural': '后台任务',
                        'db_table': 'quotas_jobrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='StaleScan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('as_of', models.DateField(unique=True, verbose_name='统计日期')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='扫描时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('source', models.CharField(default='task', max_length=20, verbose_name='来源')),
                        ('reserve_min', models.PositiveIntegerField(default=1, verbose_name='后备力量下限')),
                        ('branch_count', models.PositiveIntegerField(default=0, verbose_name='扫描支部数')),
                        ('red_count', models.PositiveIntegerField(default=0, verbose_name='红色')),
                        ('watch_count', models.PositiveIntegerField(default=0, verbose_name='关注')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '未发展党员组织扫描',
                        'verbose_name_plural': '未发展党员组织扫描',
                        'db_table': 'quotas_stalescan',
                        'ordering': ['-as_of'],
                    },
                ),
                migrations.CreateModel(
                    name='EmailLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('compliance', '结构比例与预警月报'), ('deadline', '到期提醒')], max_length=20, verbose_name='类别')),
                        ('period', models.CharField(max_length=80, verbose_name='期次')),
                        ('address', models.EmailField(max_length=254, verbose_name='邮箱')),
                        ('subject', models.CharField(max_length=200, verbose_name='主题')),
                        ('body_text', models.TextField(verbose_name='正文（文本）')),
                        ('body_html', models.TextField(blank=True, verbose_name='正文（HTML）')),
                        ('status', models.CharField(choices=[('queued', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('failed', '发送失败')], default='queued', max_length=10, verbose_name='状态')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='发送次数')),
                        ('error', models.TextField(blank=True, verbose_name='错误')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='生成时间')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='email_logs', to=settings.AUTH_USER_MODEL, verbose_name='收件人')),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='emails', to='jobs.jobrun')),
                    ],
                    options={
                        'verbose_name': '邮件记录',
                        'verbose_name_plural': '邮件记录',
                        'db_table': 'quotas_emaillog',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'created_at'], name='emaillog_status')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'period', 'recipient'), name='one_email_per_period')],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=100)),
                        ('title', models.CharField(max_length=200, verbose_name='标题')),
                        ('body', models.TextField(verbose_name='内容')),
                        ('link', models.CharField(blank=True, max_length=300, verbose_name='链接')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '站内消息',
                        'verbose_name_plural': '站内消息',
                        'db_table': 'quotas_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='notification_unread')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='one_notification_per_key')],
                    },
                ),
                migrations.CreateModel(
                    name='StaleFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('red', '红色（须年内清零）'), ('watch', '关注（定期跟踪）')], max_length=10, verbose_name='预警等级')),
                        ('reason', models.CharField(choices=[('never', '成立以来未发展党员'), ('3y', '3年未发展党员'), ('2y', '2年及以上未发展党员'), ('reserve', '后备力量储备不足')], max_length=10, verbose_name='原因')),
                        ('last_admitted', models.DateField(blank=True, null=True, verbose_name='最近一次发展党员（审批）日期')),
                        ('reserve', models.PositiveIntegerField(default=0, verbose_name='积极分子和发展对象人数')),
                        ('previous_level', models.CharField(blank=True, max_length=10, verbose_name='上次扫描等级')),
                        ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stale_flags', to='recruitment.organization', verbose_name='党支部')),
                        ('scan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='jobs.stalescan')),
                    ],
                    options={
                        'verbose_name': '预警组织',
                        'verbose_name_plural': '预警组织',
                        'db_table': 'quotas_staleflag',
                        'ordering': ['scan_id', 'org__code'],
                        'constraints': [models.UniqueConstraint(fields=('scan', 'org'), name='one_flag_per_scan_org')],
                    },
                ),
                migrations.CreateModel(
                    name='StaleChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('before', models.CharField(blank=True, max_length=10, verbose_name='变化前')),
                        ('after', models.CharField(blank=True, max_length=10, verbose_name='变化后')),
                        ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stale_changes', to='recruitment.organization')),
                        ('scan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='jobs.stalescan')),
                    ],
                    options={
                        'db_table': 'quotas_stalechange',
                        'ordering': ['-scan__as_of'],
                        'constraints': [models.UniqueConstraint(fields=('scan', 'org'), name='one_change_per_scan_org')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
