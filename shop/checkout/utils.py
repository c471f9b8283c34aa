from oscar.apps.checkout import utils


class CheckoutSessionData(utils.CheckoutSessionData):
    """Oscar's checkout session, which also remembers the SetupIntents this
    checkout created, so only a card set up through one of them is charged."""

    KEPT_SETUP_INTENTS = 5  # a shopper may have the card page open in a few tabs

    def add_setup_intent(self, intent_id: str, basket_id: int) -> None:
        kept = [i for i in self._get("payment", "setup_intents", []) if i[0] != intent_id]
        kept = [(intent_id, basket_id), *kept][: self.KEPT_SETUP_INTENTS]
        self._set("payment", "setup_intents", kept)

    def setup_intents(self, basket_id: int) -> list[str]:
        """This checkout's SetupIntents for the basket, newest first."""
        return [i for i, b in self._get("payment", "setup_intents", []) if b == basket_id]

    def pay_by(self, method, card_label: str = "") -> None:
        """The PaymentMethod to charge, and how the shopper knows the card
        ("Visa card ending 4242"), shown on the review and thank-you pages."""
        super().pay_by(method)
        self._set("payment", "card_label", card_label if method else "")

    def card_label(self) -> str:
        return self._get("payment", "card_label", "")
