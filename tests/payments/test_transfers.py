"""Bank-transfer codes: derived from the payment, found in any bank's description, checked."""

from decimal import Decimal

from smmpanel.payments.transfers import _crc16, code_of, payment_ids_in, vietqr


def test_a_code_is_the_payment_id_with_a_check_letter_found_however_typed():
    code = code_of(123)
    assert code.startswith("SMM123") and len(code) == 7 and code[-1].isalpha()
    assert payment_ids_in(f"MBVCB.3278907687.{code}.CT tu 0123") == {123}
    assert payment_ids_in(f"ck {code[:3].lower()} - {code[3:-1]} {code[-1].lower()} ok") == {123}
    assert payment_ids_in(f"{code} {code_of(7)}") == {123, 7}
    assert payment_ids_in("SMM123") == set() and payment_ids_in("") == set()


def test_the_check_letter_catches_one_wrong_digit_and_swapped_neighbours():
    for payment_id in (10, 123, 4567, 98765, 1234567):
        code = code_of(payment_id)
        digits, letter = code[3:-1], code[-1]
        for index in range(len(digits)):
            for digit in "0123456789":
                if digit != digits[index]:
                    typo = digits[:index] + digit + digits[index + 1 :]
                    assert payment_ids_in(f"SMM{typo}{letter}") == set(), typo
            if index + 1 < len(digits) and digits[index] != digits[index + 1]:
                swapped = digits[:index] + digits[index + 1] + digits[index] + digits[index + 2 :]
                assert payment_ids_in(f"SMM{swapped}{letter}") == set(), swapped


def test_a_method_may_choose_its_prefix():
    assert code_of(5, "NAP").startswith("NAP5")
    assert payment_ids_in(f"x {code_of(5, 'NAP')} y", "NAP") == {5}
    assert payment_ids_in(code_of(5), "NAP") == set()


def test_vietqr_is_an_emvco_payload_with_its_crc():
    assert _crc16(b"123456789") == "29B1"  # CRC-16/CCITT-FALSE's check value
    payload = vietqr(
        bank_bin="970436", account="0123499999", amount=Decimal(250000), message="SMM1A"
    )
    assert payload.startswith("000201010212")
    assert "0010A000000727" in payload and "0208QRIBFTTA" in payload
    assert "5303704" in payload and "5406250000" in payload and "5802VN" in payload
    assert "62090805SMM1A" in payload
    assert payload[-8:-4] == "6304" and _crc16(payload[:-4].encode()) == payload[-4:]
