/* 网上投诉 (issue 14 item 4): the 涉及科室 select applies to a hospital desk only. It is shown while the chosen
   center is a hospital desk, offering that desk's 科室 alone (its optgroup's data-unit); for any other center it is
   hidden and emptied. Without this script the select stays visible and the server refuses a 科室 that is not the
   chosen hospital's ("所选科室不属于该医院"). */
(function () {
  "use strict";

  function setUp() {
    var field = document.querySelector("[data-department-field]");
    var unit = document.getElementById("complaint-unit");
    var select = document.getElementById("department");
    if (!field || !unit || !select) {
      return;
    }
    var groups = select.querySelectorAll("optgroup[data-unit]");

    function update() {
      var code = unit.value;
      var any = false;
      for (var i = 0; i < groups.length; i += 1) {
        var mine = groups[i].getAttribute("data-unit") === code;
        groups[i].hidden = !mine;
        groups[i].disabled = !mine;
        any = any || mine;
      }
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.parentNode.tagName === "OPTGROUP" && chosen.parentNode.disabled) {
        select.value = "";
      }
      field.hidden = !any;
      select.disabled = !any;
    }

    unit.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
