"""A certificate issue that rolls back leaves its PDF behind; the nightly purge removes it."""

import datetime
import os
import time

import pytest
from django.db import transaction

from certificates.models import Certificate
from certificates.services import purge_orphan_certificate_pdfs
from trainees.tests.factories import TeacherFactory

from .factories import issue


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_leaves_a_file_that_the_purge_deletes(annex):
    kept = issue(TeacherFactory(school=annex.kashgar_junior, name="张三华"))
    storage = kept.pdf.storage
    written = []

    def issue_then_fail():
        with transaction.atomic():
            written.append(issue(TeacherFactory(school=annex.kashgar_junior, name="李四")))
            raise Boom  # something later in the same transaction fails

    with pytest.raises(Boom):
        issue_then_fail()
    orphan = written[0].pdf.name
    assert not Certificate.objects.filter(pdf=orphan).exists()
    assert storage.exists(orphan)  # the file outlived its row

    # Within the grace period it may belong to an open transaction: kept.
    assert purge_orphan_certificate_pdfs() == 0
    assert storage.exists(orphan)

    an_hour_ago = time.time() - 3700
    os.utime(storage.path(orphan), (an_hour_ago, an_hour_ago))
    os.utime(storage.path(kept.pdf.name), (an_hour_ago, an_hour_ago))
    assert purge_orphan_certificate_pdfs(batch=1) == 1
    assert not storage.exists(orphan)
    assert storage.exists(kept.pdf.name)  # a certificate's own file is never touched


@pytest.mark.django_db
def test_nothing_to_purge_before_any_certificate_exists():
    assert purge_orphan_certificate_pdfs(older_than=datetime.timedelta(0)) == 0
