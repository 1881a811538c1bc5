// The Mirror Sessions view and the mirror-overlay in headless Chromium, against the app's real message
// handlers served by the Java test bridge (MT_GUI_URL). Run by GuiBrowserTest; the tests run in order and
// share the server's sessions: web-tap (host-a -> host-b across s1-s2-s3) and dns (local on host-c).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';

const URL = process.env.MT_GUI_URL;
const SHOTS = process.env.MT_GUI_SCREENSHOTS;
const S1 = 'of:0000000000000001', S2 = 'of:0000000000000002', S3 = 'of:0000000000000003',
    S4 = 'of:0000000000000004';
const NSF_A = '02:00:00:00:0A:01/None', NMF_B = '02:00:00:00:0B:09/None', NMF_C = '02:00:00:00:0C:09/None';

let browser, page, errors;

before(async () => {
    browser = await chromium.launch({
        executablePath: process.env.MT_GUI_CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
});

after(async () => browser && browser.close());

afterEach(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'the page logged no error');
});

async function open(view) {
    errors = [];
    page = await browser.newPage({ viewport: { width: 1360, height: 640 } });
    page.setDefaultTimeout(10000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(URL + '#/' + view);
}

async function received(event) {
    const all = await (await fetch(URL + 'test/received')).json();
    return all.filter((m) => m.event === event).map((m) => m.payload);
}

async function report(session, agent, state, mirrored, errorCount, delivered = 0) {
    const r = await fetch(URL + 'test/report', {
        method: 'POST',
        body: JSON.stringify({ session, agent, state, mirrored, errors: errorCount, delivered }),
    });
    assert.equal(r.status, 204);
}

const row = (name) => page.locator(`tr.mirror-row:has(td.c-name:text-is("${name}"))`);
const cell = (name, col) => row(name).locator('td.c-' + col);

async function select(name) {
    await row(name).click();
    await page.locator('#ov-mirror-session-details-panel h3', { hasText: name }).waitFor();
}

test('the sessions view shows each session\'s definition, state per host and counters', async () => {
    await open('mirrorSessions');
    await row('web-tap').waitFor();
    assert.equal(await page.locator('tr.mirror-row').count(), 2);
    const expect = {
        vlans: '3000', sources: 'host-a:nsf/svc0', monitors: 'host-b:mon0', direction: 'BOTH',
        filter: 'ipProtocol=6 port=80', admin: 'ENABLED', hosts: 'ACTIVE host-a ACTIVE, host-b ACTIVE',
        mirrored: '1500', delivered: '1498', errors: '2',
    };
    for (const [col, text] of Object.entries(expect)) {
        assert.equal((await cell('web-tap', col).innerText()).trim(), text, col);
    }
    assert.match(await page.locator('.table-header td[colId="delivered"]').getAttribute('title'),
        /monitor VFs received\. A monitor VF that several sessions share counts the copies of all of them/);
    assert.equal(await cell('dns', 'direction').innerText(), 'RX');
    assert.equal(await cell('dns', 'delivered').innerText(), '0');
    assert.equal((await cell('dns', 'hosts').innerText()).trim(), 'PENDING host-c PENDING');

    await select('web-tap');
    const panel = page.locator('#ov-mirror-session-details-panel');
    assert.equal(await panel.locator('tr[data-prop="tapPoints"] td.value').innerText(),
        'host-a:nsf/svc0 tunnel pf0/1');
    assert.equal(await panel.locator('tr[data-agent="host-a"] td').nth(3).innerText(), '1500');
    assert.equal(await panel.locator('tr[data-prop="tapAt"] td.value').innerText(), 'FRONT_END');
    assert.equal(await panel.locator('tr[data-prop="delivered"] td.value').innerText(), '1498');
    assert.equal(await panel.locator('tr[data-agent="host-b"] td').nth(7).innerText(), '1498');
    await page.screenshot({ path: path.join(SHOTS, 'mirror-sessions.png') });
});

test('the table follows the agents\' reports live, without reloading', async () => {
    await open('mirrorSessions');
    await row('web-tap').waitFor();
    await report('web-tap', 'host-a', 'FAILED', 9000, 5);
    await report('web-tap', 'host-b', 'ACTIVE', 0, 0, 8990);
    await page.waitForFunction(() => {
        const r = [...document.querySelectorAll('tr.mirror-row')].find((t) => t.textContent.includes('web-tap'));
        return r && r.querySelector('.c-mirrored').textContent === '9000'
            && r.querySelector('.c-delivered').textContent === '8990';
    }, null, { timeout: 6000 });
    assert.equal((await cell('web-tap', 'hosts').innerText()).trim(), 'FAILED host-a FAILED, host-b ACTIVE');
    assert.equal(await cell('web-tap', 'errors').innerText(), '5');
    await report('web-tap', 'host-a', 'ACTIVE', 9000, 5);
});

test('disable and enable send their requests and the table shows the new admin state', async () => {
    await open('mirrorSessions');
    await row('web-tap').waitFor();
    await select('web-tap');
    const id = await row('web-tap').getAttribute('data-id');

    await page.click('#mirror-disable');
    await page.waitForFunction(() => document.querySelector('tr.mirror-row.selected .c-admin')
        .textContent === 'DISABLED', null, { timeout: 6000 });
    await page.click('#mirror-enable');
    await page.waitForFunction(() => document.querySelector('tr.mirror-row.selected .c-admin')
        .textContent === 'ENABLED', null, { timeout: 6000 });

    const sent = (await received('mirrorSessionActionRequest')).slice(-2);
    assert.deepEqual(sent, [{ action: 'disable', id }, { action: 'enable', id }]);
});

test('the add form shows the field error of a refused request, then creates the session', async () => {
    await open('mirrorSessions');
    await row('web-tap').waitFor();
    await page.click('#mirror-add');
    await page.fill('#mirror-f-name', 'db-mirror');
    await page.fill('#mirror-f-sources', 'host-a:nsf/svc1');
    await page.fill('#mirror-f-monitors', 'host-b:mon0');
    await page.selectOption('#mirror-f-tapAt', 'BACK_END');
    await page.fill('#mirror-f-ipProtocol', '6');
    await page.fill('#mirror-f-port', '5432');
    await page.fill('#mirror-f-vlans', '5000');
    await page.click('#mirror-add-submit');

    const vlanError = page.locator('.field[data-field="vlans"] .field-error');
    await vlanError.waitFor();
    assert.equal(await vlanError.innerText(), 'must be 1..4094, not 5000');
    assert.equal(await page.locator('.field-error').count(), 1, 'only the field at fault shows an error');
    assert.deepEqual((await received('mirrorSessionAddRequest')).at(-1), {
        session: {
            name: 'db-mirror', sources: ['host-a:nsf/svc1'], monitors: ['host-b:mon0'], tapAt: 'BACK_END',
            direction: 'BOTH', filter: { ipProtocol: 6, port: 5432 }, vlans: [5000],
        },
    });
    await page.screenshot({ path: path.join(SHOTS, 'mirror-add-error.png') });

    await page.fill('#mirror-f-vlans', '');
    await page.fill('#mirror-f-sources', 'nope:svc0');
    await page.click('#mirror-add-submit');
    const sourceError = page.locator('.field[data-field="sources"] .field-error');
    await sourceError.waitFor();
    assert.equal(await sourceError.innerText(), 'unknown agent \'nope\'');

    await page.fill('#mirror-f-sources', 'host-a:nsf/svc1');
    await page.click('#mirror-add-submit');
    await row('db-mirror').waitFor({ timeout: 6000 });
    assert.equal(await page.locator('.mirror-add-form').count(), 0, 'the form closed');
    assert.equal(await cell('db-mirror', 'filter').innerText(), 'ipProtocol=6 port=5432');
    await select('db-mirror');
    assert.equal(await page.locator('#ov-mirror-session-details-panel tr[data-prop="tapAt"] td.value').innerText(),
        'BACK_END');
});

test('remove asks first, then sends its request and the row goes', async () => {
    await open('mirrorSessions');
    await select('db-mirror');
    const id = await row('db-mirror').getAttribute('data-id');
    const before = (await received('mirrorSessionActionRequest')).length;

    await page.click('#mirror-remove');
    const dialog = page.locator('#mirror-session-confirm');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Remove db-mirror and free its VLANs 3001\?/);
    await dialog.locator('.dialog-button', { hasText: 'Cancel' }).click();
    await page.waitForTimeout(300);
    assert.equal((await received('mirrorSessionActionRequest')).length, before, 'cancel sends nothing');
    assert.equal(await row('db-mirror').count(), 1);

    await page.click('#mirror-remove');
    await dialog.locator('.dialog-button', { hasText: 'Remove' }).click();
    await row('db-mirror').waitFor({ state: 'detached', timeout: 6000 });
    assert.deepEqual((await received('mirrorSessionActionRequest')).at(-1), { action: 'remove', id });
});

async function highlighted() {
    return page.evaluate(() => ({
        links: [...document.querySelectorAll('line.link.primary:not(.suppressed)')]
            .map((l) => l.getAttribute('data-id')).sort(),
        hosts: [...document.querySelectorAll('g.node.host:not(.suppressed)')].map((g) => g.id).sort(),
        others: [...document.querySelectorAll('g.node.host.suppressed')].map((g) => g.id).sort(),
        labels: [...document.querySelectorAll('text.linkLabel')].map((t) => t.textContent),
    }));
}

async function showSession(name) {
    await page.locator('#mirror-overlay-panel li', { hasText: name }).click();
    await page.locator('#mirror-overlay-panel h3', { hasText: name }).waitFor();
}

test('the overlay highlights exactly the session\'s hosts and the links of its copies, with their rate', async () => {
    await open('topo');
    await page.locator(`g.node.host[id="${NSF_A}"]`).waitFor();
    await showSession('web-tap');
    await page.waitForFunction(() => document.querySelectorAll('line.link.primary').length > 0);

    const h = await highlighted();
    assert.deepEqual(h.links, [`${S1}/2-${S2}/1`, `${S2}/2-${S3}/1`]);
    assert.deepEqual(h.hosts, [NSF_A, NMF_B].sort());
    assert.equal(h.others.length, 3, 'the other hosts are subdued');
    assert.equal(await page.locator(`g.node.host[id="${NSF_A}"] text.badge`).textContent(), 'S');
    assert.equal(await page.locator(`g.node.host[id="${NMF_B}"] text.badge`).textContent(), 'M');
    assert.equal(await page.locator('#mirror-overlay-panel tr[data-prop="links"] td.value').innerText(), '2');

    // host-a's agent reports 2000 more copies each refresh: the links show a rate above zero
    for (let i = 1; i <= 3; i++) {
        await report('web-tap', 'host-a', 'ACTIVE', 9000 + i * 2000, 5);
        await page.waitForTimeout(1000);
    }
    await page.waitForFunction(() => [...document.querySelectorAll('text.linkLabel')]
        .every((t) => /^[1-9][\d.,]* K?pps$/.test(t.textContent)), null, { timeout: 8000 });
    const labels = (await highlighted()).labels;
    assert.equal(labels.length, 2);
    assert.equal(labels[0], labels[1], 'both links carry host-a\'s copies');
    assert.equal(await page.locator('#mirror-overlay-panel tr[data-prop="rate"] td.value').innerText(), labels[0]);
    assert.equal(await page.locator('#topo-p-summary tr[data-prop="Mirror sessions"] td.value').innerText(), '2');
    await page.screenshot({ path: path.join(SHOTS, 'mirror-overlay.png') });

    await showSession('dns');
    await page.waitForFunction(() => document.querySelectorAll('line.link.primary').length === 0);
    assert.deepEqual((await highlighted()).hosts.length, 2);
});

test('"mirror from here", "to here" on two hosts creates a session through the overlay', async () => {
    await open('topo');
    await page.locator(`g.node.host[id="${NSF_A}"]`).waitFor();
    await page.click(`g.node.host[id="${NSF_A}"]`);
    await page.click('#mirror-overlay-mirrorFrom');
    await page.locator('#mirror-overlay-panel .mirror-source', { hasText: NSF_A }).waitFor();
    await page.click(`g.node.host[id="${NMF_C}"]`);
    await page.locator('#topo-p-detail h2', { hasText: NMF_C }).waitFor();
    await page.click('#mirror-overlay-mirrorTo');

    const dialog = page.locator('#mirror-overlay-create');
    await dialog.locator('.dialog-button', { hasText: 'Create' }).click();
    const nameError = dialog.locator('.field-error[data-field="name"]');
    await nameError.waitFor();
    assert.equal(await nameError.innerText(), 'name must be 1..64 characters of [A-Za-z0-9._-], not \'\'');

    await dialog.locator('#mirror-create-name').fill('picked');
    await dialog.locator('.dialog-button', { hasText: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual((await received('mirrorTopoCreate')).at(-1), { source: NSF_A, monitor: NMF_C, name: 'picked' });

    await page.locator('#mirror-overlay-panel li.selected', { hasText: 'picked' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('line.link.primary').length === 2);
    const h = await highlighted();
    assert.deepEqual(h.links, [`${S1}/2-${S2}/1`, `${S2}/3-${S4}/1`]);
    assert.deepEqual(h.hosts, [NSF_A, NMF_C].sort());
});
