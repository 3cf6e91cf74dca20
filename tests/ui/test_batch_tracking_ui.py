"""The export wizard sends the loans, checks and approvers' answers not sent yet (laoxie.batch/2),
also in a batch with no new application."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.loans import LoanDraft
from desktop.services import batch_export
from desktop.services import loans as loan_service
from desktop.services.workspace import Workspace
from desktop.ui.tasks import TaskRunner
from tests.batches import factory
from tests.batches.factory import PASSPHRASE
from tests.ui.test_batch_ui import _unlock_once, county_ws, offices, runner, wizard_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.gui


def test_a_batch_of_a_new_loan_alone(qtbot: QtBot, county_ws: Workspace, runner: TaskRunner,  # noqa: F811
                                     tmp_path: Path) -> None:
    batch_export.export_batch(county_ws, tmp_path, PASSPHRASE, letter_pdfs=False)  # the applications went
    loan_service.add_loan(county_ws, factory.uscc(0, county_ws.office.code), LoanDraft(
        bank_branch="国家开发银行吉林省分行", contract_number="W-1", amount_wan=Decimal(200),
        start_date=date(2026, 8, 1), term_months=12, rate=Decimal("3.00")))
    wizard = wizard_for(qtbot, county_ws, runner)
    assert wizard.applicationTable.rowCount() == 0
    assert "随本批报送贷款 1 笔、贷款期内核实 0 次" in wizard.selectionLabel.text()
    wizard.next()
    assert wizard.currentId() == 1  # nothing ticked, but the loan goes
    stick = tmp_path / "stick"
    stick.mkdir()
    wizard.folderEdit.setText(str(stick))
    wizard.passphraseEdit.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result_ is not None or wizard.error is not None, timeout=30_000)
    assert wizard.error is None and wizard.result_ is not None
    assert (wizard.result_.counts["applications"], wizard.result_.counts["loans"]) == (0, 1)
    assert "贷款 1 笔" in wizard.resultLabel.text()
    wizard.accept()
    again = wizard_for(qtbot, county_ws, runner)
    assert "随本批" not in again.selectionLabel.text()  # sent: nothing left
    again.next()
    assert again.currentId() == 0
    again.reject()
