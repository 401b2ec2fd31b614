// Progressive enhancement only: every page works without script.
// Buttons with data-confirm ask before they submit (withdraw, close).
document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
    }
});
