"""Numbers as Indonesians read them on our pages."""

from kernel.formatting import kilograms


def test_kilograms_are_written_with_a_decimal_comma() -> None:
    """800 g is '0,8 kg', 1,250 g '1,2 kg' (one decimal), and nothing is '-'."""
    assert (kilograms(800), kilograms(1250), kilograms(None)) == ("0,8 kg", "1,2 kg", "-")
