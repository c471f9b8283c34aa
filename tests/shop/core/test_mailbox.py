import pytest
from django.core.exceptions import ValidationError

from shop.core.mailbox import is_disposable, mailbox


@pytest.mark.parametrize(
    "given, normalised",
    [
        ("A.B+x@Gmail.com", "ab@gmail.com"),
        ("ab@googlemail.com", "ab@gmail.com"),
        ("First.Last+news@example.com", "first.last@example.com"),
        ("  someone@Example.COM ", "someone@example.com"),
        ('"runner"@gmail.com', "runner@gmail.com"),
        ('"\\runner"@gmail.com', "runner@gmail.com"),
        ('"r\\unner"@gmail.com', "runner@gmail.com"),
        ('"R.u.n+x"@GoogleMail.com', "run@gmail.com"),
        ("runner@gmail.com.", "runner@gmail.com"),
    ],
)
def test_spellings_of_one_mailbox_have_one_key(given, normalised):
    assert mailbox(given) == normalised


@pytest.mark.parametrize(
    "address, message",
    [
        ("x@[127.0.0.1]", "not an IP address"),
        ("x@[IPv6:::1]", "not an IP address"),
        ('"run ner"@gmail.com', "without quotation marks"),
        ('"run@ner"@gmail.com', "without quotation marks"),
        ('"run..ner"@gmail.com', "without quotation marks"),
        ('"run\\"ner"@gmail.com', "without quotation marks"),
        ("rünner@example.com", "plain letters"),
        ("runner@exаmple.com", "plain letters"),  # a Cyrillic "а"
        ("+tag@example.com", "plain letters"),
        ("runner@localhost", "domain like example.com"),
        ("no-at-sign", "valid email address"),
    ],
)
def test_addresses_we_cannot_reduce_to_one_mailbox_are_refused_with_a_reason(address, message):
    with pytest.raises(ValidationError) as refused:
        mailbox(address)
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    "address, disposable",
    [
        ("x@mailinator.com", True),
        ("x@sub.mailinator.com", True),
        ("x@a.b.Mailinator.com.", True),
        ("x@example.com", False),
        ("x@mailinator.com.example.org", False),
    ],
)
def test_disposable_domains_match_on_their_subdomains_too(address, disposable):
    assert is_disposable(address) is disposable
