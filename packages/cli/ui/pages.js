// @ts-check
/**
 * The small behaviours of `sketchlog serve`'s pages: sortable tables, the custom time range fields,
 * filtering the column table by name. Plain ES module, no build step (type-checked by tsconfig.ui.json).
 */
import { mountCharts } from "./charts.js"

/**
 * Sorts a table by a header cell's column when it is clicked: cells sort by `data-sort` (a number)
 * when they have one, else by text; a second click reverses.
 * @param {HTMLTableElement} table
 */
const sortable = (table) => {
  const headers = [...table.querySelectorAll("thead th[data-sortable]")]
  headers.forEach((th) => {
    if (!(th instanceof HTMLElement)) return
    th.tabIndex = 0
    const index = [...(th.parentElement?.children ?? [])].indexOf(th)
    const sort = () => {
      const body = table.tBodies[0]
      if (body === undefined) return
      const descending = th.getAttribute("aria-sort") !== "descending"
      for (const other of headers) other.removeAttribute("aria-sort")
      th.setAttribute("aria-sort", descending ? "descending" : "ascending")
      /** @param {Element} row */
      const key = (row) => {
        const cell = row.children[index]
        const value = cell?.getAttribute("data-sort")
        return value === null || value === undefined
          ? (cell?.textContent ?? "").trim().toLowerCase()
          : Number(value)
      }
      const rows = [...body.rows].sort((a, b) => {
        const x = key(a)
        const y = key(b)
        const order =
          typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))
        return descending ? -order : order
      })
      body.append(...rows)
    }
    th.addEventListener("click", sort)
    th.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault()
        sort()
      }
    })
  })
}

/** Shows the date fields of a range or reference select only when it says "custom". */
const customFields = () => {
  for (const select of document.querySelectorAll("select[data-custom]")) {
    if (!(select instanceof HTMLSelectElement)) continue
    const target = document.getElementById(select.dataset.custom ?? "")
    if (target === null) continue
    const update = () => {
      target.hidden = select.value !== "custom" && select.value !== "fixed"
    }
    select.addEventListener("change", update)
    update()
  }
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    if (!(form instanceof HTMLFormElement)) continue
    for (const field of form.querySelectorAll("select")) {
      field.addEventListener("change", () => {
        if (field.value !== "custom" && field.value !== "fixed") form.requestSubmit()
      })
    }
  }
}

/** Filters the rows of `table[data-filter]` by the text typed into `input[data-filter-for]`. */
const filters = () => {
  for (const input of document.querySelectorAll("input[data-filter-for]")) {
    if (!(input instanceof HTMLInputElement)) continue
    const table = document.getElementById(input.dataset.filterFor ?? "")
    if (!(table instanceof HTMLTableElement)) continue
    input.addEventListener("input", () => {
      const text = input.value.trim().toLowerCase()
      for (const row of table.tBodies[0]?.rows ?? []) {
        row.hidden = text !== "" && !(row.dataset.name ?? "").toLowerCase().includes(text)
      }
    })
  }
}

for (const table of document.querySelectorAll("table.sortable")) {
  if (table instanceof HTMLTableElement) sortable(table)
}
customFields()
filters()
mountCharts(document)
