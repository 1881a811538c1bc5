/*
 Mirror Tunnel -- topology overlay 'mirror-overlay'.

 A panel lists the mirror sessions; choosing one has the server highlight it on the map (its source and
 monitor hosts, the links its copies cross, each labelled with the rate mirrored onto it) and fill the
 panel's summary. A host's details offer "Mirror from here" and "To here": pick a source host, then a
 monitor host, name the session, and the server creates it through the same checks as the REST API.
 */
(function () {
    'use strict';

    // injected refs
    var $log, $interval, fs, wss, ps, ds, flash;

    // constants
    var startReq = 'mirrorTopoStart',
        selectReq = 'mirrorTopoSelect',
        refreshReq = 'mirrorTopoRefresh',
        stopReq = 'mirrorTopoStop',
        createReq = 'mirrorTopoCreate',
        sessionsResp = 'mirrorTopoSessions',
        summaryResp = 'mirrorTopoSummary',
        createResp = 'mirrorTopoCreateResponse',
        panelId = 'mirror-overlay-panel',
        dialogId = 'mirror-overlay-create',
        refreshMs = 2000,
        summaryProps = [
            ['state', 'State'], ['admin', 'Admin'], ['vlans', 'VLANs'], ['sources', 'Source hosts'],
            ['monitors', 'Monitor hosts'], ['links', 'Links'], ['rate', 'Mirrored']
        ];

    // internal state
    var handlers = {},
        panel = null,
        timer = null,
        sessions = [],
        selected = null,
        summary = {},
        source = null,
        pending = null;

    function sendSelect(id) {
        selected = id;
        wss.sendEvent(id ? selectReq : stopReq, id ? {id: id} : {});
    }

    function step(by) {
        var i = sessions.map(function (s) { return s.id; }).indexOf(selected),
            n = sessions.length;
        if (n) {
            sendSelect(sessions[((i < 0 ? (by > 0 ? -1 : 0) : i) + by + n) % n].id);
        }
    }

    function render() {
        var list, tbody;
        if (!panel) {
            return;
        }
        panel.empty();
        panel.append('h2').text('Mirror sessions');
        list = panel.append('ul').attr('class', 'mirror-sessions');
        sessions.forEach(function (s) {
            list.append('li').attr('data-id', s.id).classed('selected', s.id === selected)
                .on('click', function () { sendSelect(s.id === selected ? null : s.id); })
                .text(s.name + ' ')
                .append('span').attr('class', 'state ' + s.state).text(s.state);
        });
        if (!sessions.length) {
            list.append('li').attr('class', 'none').text('No mirror sessions');
        }
        if (summary.name) {
            panel.append('h3').text(summary.name);
            tbody = panel.append('table').attr('class', 'summary').append('tbody');
            summaryProps.forEach(function (p) {
                var v = summary[p[0]],
                    tr = tbody.append('tr').attr('data-prop', p[0]);
                tr.append('td').attr('class', 'label').text(p[1]);
                tr.append('td').attr('class', 'value').text(fs.isA(v) ? (v.join(', ') || '-') : v);
            });
        }
        panel.append('div').attr('class', 'mirror-source').text(source
            ? 'Mirror from ' + source + ': select the monitor host, then "To here"'
            : 'Select a host and press "Mirror from here" to start a session');
    }

    function respSessions(data) {
        sessions = data.sessions;
        selected = data.selected || null;
        render();
    }

    function respSummary(data) {
        summary = data;
        render();
    }

    function respCreate(data) {
        if (data.ok) {
            ds.closeDialog();
            flash.flash('Created mirror session ' + data.name);
            source = null;
            pending = null;
            render();
        } else {
            openCreate(data.error);
        }
    }

    function from(data) {
        source = data.id;
        flash.flash('Mirror from ' + source);
        render();
    }

    // the naming dialog for the session from the source to this host; shows the server's error, if any
    function openCreate(error) {
        var content = ds.createDiv('mirror-create');
        content.append('p').text('Mirror ' + pending.source + ' to ' + pending.monitor);
        content.append('label').attr('for', 'mirror-create-name').text('Name ');
        content.append('input').attr({id: 'mirror-create-name', type: 'text', value: pending.name});
        if (error) {
            content.append('div').attr('class', 'field-error')
                .attr('data-field', error.field || '')
                .text(error.message);
        }
        ds.openDialog(dialogId, {cssCls: 'mirror-create-dialog'})
            .setTitle('New mirror session')
            .addContent(content)
            .addOkChained(function () {
                pending.name = document.getElementById('mirror-create-name').value;
                wss.sendEvent(createReq, pending);
            }, 'Create')
            .addCancel(function () { pending = null; })
            .bindKeys();
    }

    function to(data) {
        if (!source) {
            flash.flash('First select a host and press "Mirror from here"');
            return;
        }
        pending = {source: source, monitor: data.id, name: ''};
        openCreate(null);
    }

    function start() {
        panel = ps.createPanel(panelId, {width: 300, edge: 'left'});
        panel.show();
        wss.bindHandlers(handlers);
        wss.sendEvent(startReq);
        if (selected) {
            wss.sendEvent(selectReq, {id: selected});
        }
        timer = $interval(function () { wss.sendEvent(refreshReq); }, refreshMs);
        render();
    }

    function stop() {
        $interval.cancel(timer);
        timer = null;
        wss.sendEvent(stopReq);
        wss.unbindHandlers(handlers);
        ps.destroyPanel(panelId);
        panel = null;
    }

    handlers[sessionsResp] = respSessions;
    handlers[summaryResp] = respSummary;
    handlers[createResp] = respCreate;

    var overlay = {
        // the id of the server's UiTopoOverlay
        overlayId: 'mirror-overlay',
        glyphId: '*mirror',
        tooltip: 'Mirror Tunnel sessions',

        glyphs: {
            mirror: {
                vb: '0 0 110 110',
                d: 'M15,55h30M65,55h30M55,20v70M20,30l35,25l35,-25M20,80l35,-25l35,25'
            }
        },

        activate: start,
        deactivate: stop,

        // buttons the server puts on a host's details
        buttons: {
            mirrorFrom: {
                gid: 'triangleUp',
                tt: 'Mirror from here',
                cb: from
            },
            mirrorTo: {
                gid: 'triangleDown',
                tt: 'To here',
                cb: to
            }
        },

        keyBindings: {
            0: {
                cb: function () { sendSelect(null); },
                tt: 'Show no session',
                gid: 'xMark'
            },
            leftArrow: {
                cb: function () { step(-1); },
                tt: 'Show the previous session',
                gid: 'prevIntent'
            },
            rightArrow: {
                cb: function () { step(1); },
                tt: 'Show the next session',
                gid: 'nextIntent'
            },
            _keyOrder: ['0', 'leftArrow', 'rightArrow']
        },

        hooks: {
            // ESC forgets the source picked, if there is one
            escape: function () {
                if (source) {
                    source = null;
                    render();
                    return true;
                }
                return false;
            }
        }
    };

    angular.module('ovMirrorTopov', [])
        .run(['$log', '$interval', 'FnService', 'WebSocketService', 'PanelService', 'DialogService',
            'FlashService', 'TopoOverlayService',

        function (_$log_, _$interval_, _fs_, _wss_, _ps_, _ds_, _flash_, _tov_) {
            $log = _$log_;
            $interval = _$interval_;
            fs = _fs_;
            wss = _wss_;
            ps = _ps_;
            ds = _ds_;
            flash = _flash_;
            _tov_.register(overlay);
            $log.debug('mirror-overlay registered');
        }]);
}());
