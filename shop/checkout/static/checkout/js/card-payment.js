/* Card payment with Stripe.js: the card becomes a PaymentMethod in the browser
 * (confirmCardSetup), and 3-D Secure runs here when the bank asks for it.
 * Our server only ever sees the PaymentMethod id. */
(function () {
  "use strict";

  var cardForm = document.getElementById("card-form");
  if (cardForm) {
    var stripe = Stripe(cardForm.dataset.publishableKey);
    var card = stripe.elements().create("card");
    var errors = document.getElementById("card-errors");
    var button = document.getElementById("card-submit");
    var paymentMethod = document.getElementById("id_payment_method");
    card.mount("#card-element");

    cardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      errors.textContent = "";
      stripe
        .confirmCardSetup(cardForm.dataset.setupSecret, { payment_method: { card: card } })
        .then(function (result) {
          if (result.error) {
            errors.textContent = result.error.message;
            button.disabled = false;
            return;
          }
          paymentMethod.value = result.setupIntent.payment_method;
          cardForm.submit();
        });
    });
  }

  var authForm = document.getElementById("authentication-form");
  if (authForm) {
    Stripe(authForm.dataset.publishableKey)
      .confirmCardPayment(authForm.dataset.clientSecret)
      .then(function () {
        // Whatever the outcome, our server asks Stripe how the payment stands.
        authForm.submit();
      });
  }

  // One click on "Place order" is enough: the server also refuses a second charge.
  var placeOrderForm = document.getElementById("place_order_form");
  if (placeOrderForm) {
    placeOrderForm.addEventListener("submit", function () {
      document.getElementById("place-order").disabled = true;
    });
  }
})();
