import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


def approve_existing_ratings(apps, schema_editor):
    """Every row so far is a bare rating, which counts at once: each becomes an approved review. The stored
    summaries already count them, so they stay as they are."""
    Review = apps.get_model("catalog", "Review")
    Review.objects.update(status="approved")


def drop_unapproved_reviews(apps, schema_editor):
    """Back to bare ratings: pending and rejected reviews were never counted, and a rating cannot wait."""
    Review = apps.get_model("catalog", "Review")
    Review.objects.exclude(status="approved").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_product_rating_sum'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='rating', name='rating_one_per_user_product'),
        migrations.RemoveConstraint(model_name='rating', name='rating_value_1_5'),
        migrations.RenameModel(old_name='Rating', new_name='Review'),
        migrations.RenameField(model_name='review', old_name='value', new_name='rating'),
        migrations.AlterField(
            model_name='review',
            name='product',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='catalog.product'),
        ),
        migrations.AlterField(
            model_name='review',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='review',
            name='title',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name='review',
            name='body',
            field=models.TextField(blank=True, max_length=5000),
        ),
        migrations.AddField(
            model_name='review',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='pending', max_length=10),
        ),
        migrations.AddField(
            model_name='review',
            name='verified_purchase',
            field=models.BooleanField(default=False, help_text='The author has received this product (or one of its variants).'),
        ),
        migrations.RunPython(approve_existing_ratings, drop_unapproved_reviews),
        migrations.AlterModelOptions(
            name='review',
            options={'ordering': ('-created_at', '-id'), 'permissions': [('moderate_review', 'Can approve or reject reviews')]},
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.UniqueConstraint(fields=('user', 'product'), name='review_one_per_user_product'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='review_rating_1_5'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'rejected'])), name='review_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('title'), 120), name='review_title_max'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('body'), 5000), name='review_body_max'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['product', 'status', '-created_at'], name='review_product_listed_idx'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['status', '-created_at'], name='review_status_created_idx'),
        ),
    ]
