// The dashboard's only script: the findings table (search, filter by severity and account, sort).
// It reads the findings from the page's JSON block and writes every value with textContent, never
// as markup, so a hostile name stays text. Plain ES2017 in a string: the page must run as is in any
// browser, and the bundler must not rewrite it (the CSP carries its hash).
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var findings = data.findings;
  var rank = { critical: 4, high: 3, medium: 2, low: 1 };
  var body = document.getElementById('findings-body');
  var search = document.getElementById('findings-search');
  var severity = document.getElementById('findings-severity');
  var account = document.getElementById('findings-account');
  var count = document.getElementById('findings-count');
  var headers = Array.prototype.slice.call(document.querySelectorAll('#findings-table th[data-sort]'));
  var sortKey = 'severity';
  var descending = true;

  var accounts = {};
  findings.forEach(function (finding) {
    if (Object.prototype.hasOwnProperty.call(accounts, finding.accountId)) return;
    accounts[finding.accountId] = true;
    var option = document.createElement('option');
    option.value = finding.accountId;
    option.textContent = finding.accountName + ' (' + finding.accountId + ')';
    account.appendChild(option);
  });

  function controlsText(finding) {
    var c = finding.controls;
    return [].concat(c.cisV7.map(function (id) { return 'CIS v7.0 ' + id; }), c.cisV5.map(function (id) { return 'CIS v5.0 ' + id; }), c.securityHub, c.smm).join(' \\u00b7 ');
  }

  function sortValue(finding, key) {
    switch (key) {
      case 'severity': return rank[finding.severity] || 0;
      case 'account': return (finding.accountName + ' ' + finding.accountId).toLowerCase();
      case 'rule': return finding.ruleId;
      case 'resource': return finding.resource.toLowerCase();
      default: return finding.evidence.toLowerCase();
    }
  }

  function matches(finding, query) {
    if (severity.value && finding.severity !== severity.value) return false;
    if (account.value && finding.accountId !== account.value) return false;
    if (!query) return true;
    var haystack = [finding.accountName, finding.accountId, finding.ruleId, finding.title, finding.resource, finding.evidence, controlsText(finding)].join(' ').toLowerCase();
    return haystack.indexOf(query) !== -1;
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render() {
    var query = search.value.trim().toLowerCase();
    var rows = findings.filter(function (finding) { return matches(finding, query); });
    rows.sort(function (a, b) {
      var x = sortValue(a, sortKey);
      var y = sortValue(b, sortKey);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (order === 0) order = rank[b.severity] - rank[a.severity] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
      else if (descending) order = -order;
      return order;
    });
    body.textContent = '';
    rows.forEach(function (finding) {
      var row = document.createElement('tr');
      row.setAttribute('data-key', finding.key);
      var badge = document.createElement('span');
      badge.className = 'badge sev-' + (rank[finding.severity] ? finding.severity : 'low');
      badge.textContent = finding.severity;
      cell(row, '').appendChild(badge);
      var accountId = document.createElement('span');
      accountId.className = 'sub id';
      accountId.textContent = finding.accountId;
      cell(row, finding.accountName, 'account long').appendChild(accountId);
      cell(row, finding.title + ' [' + finding.ruleId + ']', 'rule');
      cell(row, finding.resource, 'resource long');
      cell(row, finding.evidence, 'evidence long');
      cell(row, controlsText(finding), 'mapping');
      cell(row, finding.remediation, 'remediation');
      body.appendChild(row);
    });
    count.textContent = rows.length + ' of ' + findings.length + ' findings';
    headers.forEach(function (th) {
      th.setAttribute('aria-sort', th.getAttribute('data-sort') === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    });
  }

  headers.forEach(function (th) {
    th.querySelector('button').addEventListener('click', function () {
      var key = th.getAttribute('data-sort');
      if (key === sortKey) descending = !descending;
      else { sortKey = key; descending = key === 'severity'; }
      render();
    });
  });
  search.addEventListener('input', render);
  severity.addEventListener('change', render);
  account.addEventListener('change', render);
  render();
})();
`;
