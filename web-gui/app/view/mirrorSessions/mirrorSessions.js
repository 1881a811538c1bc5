/*
 Mirror Tunnel -- Mirror Sessions view.

 The sessions table (refreshed by the table builder), a details panel for the selected session, enable /
 disable / remove of the selected session (remove asks first), and an add form. The form sends the same
 JSON as the REST API's POST /onos/mirror/v1/sessions; the server answers a refusal with the REST error
 model {code, message, field}, and the message is shown under the field it names. Delivered counts the
 packets the session's monitor VFs received: a monitor VF that several sessions share counts the copies of all.
 */
(function () {
    'use strict';

    // injected refs
    var $log, $scope, fs, wss, ds, flash;

    // constants
    var detailsReq = 'mirrorSessionDetailsRequest',
        detailsResp = 'mirrorSessionDetailsResponse',
        actionReq = 'mirrorSessionActionRequest',
        actionResp = 'mirrorSessionActionResponse',
        addReq = 'mirrorSessionAddRequest',
        addResp = 'mirrorSessionAddResponse',
        pName = 'ov-mirror-session-details-panel',
        dName = 'mirror-session-confirm',
        props = [
            ['id', 'Id'], ['vlans', 'VLANs'], ['sources', 'Sources'], ['monitors', 'Monitors'],
            ['tapAt', 'TAP at'], ['direction', 'Direction'], ['filter', 'Filter'], ['sampleEvery', 'Sampling 1 in'],
            ['snaplen', 'Snaplen'], ['admin', 'Admin'], ['state', 'State'], ['tapPoints', 'Tap points'],
            ['monitorPoints', 'Monitor VFs'], ['mirrored', 'Mirrored'], ['delivered', 'Delivered'],
            ['errors', 'Errors']
        ],
        hostCols = ['agent', 'state', 'seen', 'mirrored', 'filtered', 'sampled', 'errors', 'delivered', 'message'],
        // the add form's fields: key, label, hint; choices make a select
        fields = [
            {key: 'name', label: 'Name', hint: 'web-tap'},
            {key: 'sources', label: 'Sources', hint: 'agent:netns/ifname or host:MAC|IP, comma separated'},
            {key: 'monitors', label: 'Monitors', hint: 'agent:ifname or host:MAC|IP, comma separated'},
            {key: 'tapAt', label: 'TAP at', choices: ['FRONT_END', 'BACK_END']},
            {key: 'direction', label: 'Direction', choices: ['BOTH', 'RX', 'TX']},
            {key: 'srcPrefix', label: 'Source prefix', hint: 'any'},
            {key: 'dstPrefix', label: 'Destination prefix', hint: 'any'},
            {key: 'prefix', label: 'Prefix, either side', hint: 'any (source or destination in it)'},
            {key: 'ipProtocol', label: 'IP protocol', hint: 'any (6 TCP, 17 UDP)'},
            {key: 'srcPort', label: 'Source port', hint: 'any'},
            {key: 'dstPort', label: 'Destination port', hint: 'any'},
            {key: 'port', label: 'Port, either side', hint: 'any (requests to it and replies from it)'},
            {key: 'sampleEvery', label: 'Sample 1 in', hint: '1'},
            {key: 'snaplen', label: 'Snaplen', hint: '0 (whole frames)'},
            {key: 'vlans', label: 'VLANs', hint: 'from the pool'}
        ],
        filterKeys = ['srcPrefix', 'dstPrefix', 'prefix', 'ipProtocol', 'srcPort', 'dstPort', 'port'],
        numberKeys = ['ipProtocol', 'srcPort', 'dstPort', 'port', 'sampleEvery', 'snaplen'];

    function list(text) {
        return (text || '').split(/[\s,]+/).filter(function (s) { return s.length; });
    }

    // digits become numbers; anything else goes as typed, for the server to name the field at fault
    function value(text) {
        return /^\d+$/.test(text) ? Number(text) : text;
    }

    // the add form's values as the REST API's session request
    function request(values) {
        var req = {}, filter = {};
        if ((values.name || '').trim()) {
            req.name = values.name.trim();
        }
        req.sources = list(values.sources);
        req.monitors = list(values.monitors);
        req.tapAt = values.tapAt;
        req.direction = values.direction;
        filterKeys.forEach(function (k) {
            var v = (values[k] || '').trim();
            if (v) {
                filter[k] = numberKeys.indexOf(k) >= 0 ? value(v) : v;
            }
        });
        if (Object.keys(filter).length) {
            req.filter = filter;
        }
        ['sampleEvery', 'snaplen'].forEach(function (k) {
            var v = (values[k] || '').trim();
            if (v) {
                req[k] = value(v);
            }
        });
        if (list(values.vlans).length) {
            req.vlans = list(values.vlans).map(value);
        }
        return req;
    }

    // the form field a REST error names: "sources[1]" -> sources, "filter.srcPort" -> srcPort
    function fieldOf(path) {
        var key = (path || '').replace(/^filter\./, '').replace(/\[.*$/, '');
        return fields.some(function (f) { return f.key === key; }) ? key : '_';
    }

    function errorText(error) {
        return error.message + (error.field ? '' : ' (' + error.code + ')');
    }

    function respAdd(data) {
        if (data.ok) {
            flash.flash('Created mirror session ' + data.name);
            $scope.closeAdd();
            $scope.sortCallback($scope.sortParams);
        } else {
            $scope.add.errors = {};
            $scope.add.errors[fieldOf(data.error.field)] = errorText(data.error);
        }
        $scope.$apply();
    }

    function respAction(data) {
        if (data.ok) {
            flash.flash(data.action + ': ' + data.name);
            if (data.action === 'remove') {
                $scope.selId = null;
                $scope.hidePanel && $scope.hidePanel();
            }
        } else {
            flash.flash(data.action + ' refused: ' + errorText(data.error));
        }
        $scope.sortCallback($scope.sortParams);
        $scope.$apply();
    }

    function respDetails(data) {
        $scope.panelDetails = data.details || {};
        $scope.$apply();
    }

    function populatePanel(panel) {
        var d = $scope.panelDetails,
            tbody, hosts;

        panel.append('h3').text(d.name);
        tbody = panel.append('table').attr('class', 'props').append('tbody');
        props.forEach(function (p) {
            var v = d[p[0]],
                tr = tbody.append('tr').attr('data-prop', p[0]);
            tr.append('td').attr('class', 'label').text(p[1]);
            tr.append('td').attr('class', 'value').text(fs.isA(v) ? v.join(', ') : v);
        });
        panel.append('h4').text('Hosts');
        hosts = panel.append('table').attr('class', 'hosts');
        hosts.append('tr').selectAll('th').data(hostCols).enter().append('th')
            .text(function (c) { return c; });
        (d.hosts || []).forEach(function (h) {
            hosts.append('tr').attr('data-agent', h.agent).selectAll('td').data(hostCols).enter()
                .append('td').text(function (c) { return h[c]; });
        });
    }

    angular.module('ovMirrorSessions', [])
        .controller('OvMirrorSessionsCtrl',
        ['$log', '$scope', 'TableBuilderService', 'FnService', 'WebSocketService', 'DialogService',
            'FlashService',

        function (_$log_, _$scope_, tbs, _fs_, _wss_, _ds_, _flash_) {
            var handlers = {};
            $log = _$log_;
            $scope = _$scope_;
            fs = _fs_;
            wss = _wss_;
            ds = _ds_;
            flash = _flash_;

            $scope.panelDetails = {};
            $scope.add = {open: false};

            handlers[detailsResp] = respDetails;
            handlers[actionResp] = respAction;
            handlers[addResp] = respAdd;
            wss.bindHandlers(handlers);

            function selCb($event, row) {
                if ($scope.selId) {
                    wss.sendEvent(detailsReq, {id: row.id});
                } else {
                    $scope.hidePanel();
                }
            }

            // while a session is selected its details follow the table's refreshes
            function respCb() {
                if ($scope.selId) {
                    wss.sendEvent(detailsReq, {id: $scope.selId});
                }
            }

            tbs.buildTable({
                scope: $scope,
                tag: 'mirrorSession',
                selCb: selCb,
                respCb: respCb
            });

            $scope.act = function (action) {
                if ($scope.selId) {
                    wss.sendEvent(actionReq, {action: action, id: $scope.selId});
                }
            };

            $scope.confirmRemove = function () {
                var row = $scope.tableData.filter(function (s) { return s.id === $scope.selId; })[0];
                if (!row) {
                    return;
                }
                ds.openDialog(dName, {cssCls: 'mirror-confirm'})
                    .setTitle('Remove mirror session?')
                    .addContent(ds.createDiv('mirror-confirm-text')
                        .text('Remove ' + row.name + ' and free its VLANs ' + row.vlans + '?'))
                    .addOk(function () { $scope.act('remove'); }, 'Remove')
                    .addCancel()
                    .bindKeys();
            };

            $scope.openAdd = function () {
                $scope.add = {open: true, fields: fields, values: {tapAt: 'FRONT_END', direction: 'BOTH'},
                    errors: {}};
            };

            $scope.closeAdd = function () {
                $scope.add = {open: false};
            };

            $scope.submitAdd = function () {
                $scope.add.errors = {};
                wss.sendEvent(addReq, {session: request($scope.add.values)});
            };

            $scope.$on('$destroy', function () {
                wss.unbindHandlers(handlers);
            });

            $log.log('OvMirrorSessionsCtrl has been created');
        }])

        .directive('ovMirrorSessionDetails', ['PanelService', 'KeyService',
        function (ps, ks) {
            return {
                restrict: 'E',
                link: function (scope) {
                    var panel = ps.createPanel(pName, {width: 500, margin: 20, hideMargin: 0});
                    panel.hide();
                    scope.hidePanel = function () { panel.hide(); };

                    function closePanel() {
                        if (panel.isVisible()) {
                            scope.selId = null;
                            panel.hide();
                            return true;
                        }
                        return false;
                    }

                    ks.keyBindings({
                        esc: [closePanel, 'Close the details panel'],
                        _helpFormat: ['esc']
                    });
                    ks.gestureNotes([
                        ['click', 'Select a row to show the session\'s details']
                    ]);

                    scope.$watch('panelDetails', function () {
                        if (!fs.isEmptyObject(scope.panelDetails)) {
                            panel.empty();
                            populatePanel(panel);
                            panel.show();
                        }
                    });

                    scope.$on('$destroy', function () {
                        ks.unbindKeys();
                        ps.destroyPanel(pName);
                    });
                }
            };
        }]);
}());
