/*
 Stubs of the ONOS classic GUI framework services an app's view and overlay use, with ONOS 2.7's names and
 calling conventions (web/gui/src/main/webapp/app/fw): FnService, KeyService, WebSocketService,
 PanelService, DialogService, FlashService, TableBuilderService, GlyphService, NavService and the widget
 directives. The WebSocket is real: it talks to the server's message handlers with {event, payload}.
 */
(function () {
    'use strict';

    // --- onosUtil: FnService, KeyService ---------------------------------------------------------------
    angular.module('onosUtil', [])
        .factory('FnService', [function () {
            function isF(f) { return typeof f === 'function' ? f : null; }
            function isA(a) { return angular.isArray(a) ? a : null; }
            function isS(s) { return typeof s === 'string' ? s : null; }
            function isO(o) { return (o && typeof o === 'object' && !angular.isArray(o)) ? o : null; }
            return {
                isF: isF,
                isA: isA,
                isS: isS,
                isO: isO,
                isEmptyObject: function (o) { return !o || Object.keys(o).length === 0; },
                debugOn: function () { return false; },
                endsWith: function (s, t) { return isS(s) && s.slice(-t.length) === t; }
            };
        }])
        // keys of the current view, and of an open dialog (ONOS's dialogKeys) which come first
        .factory('KeyService', ['$document', function ($document) {
            var view = {}, dialog = {},
                names = {27: 'esc', 13: 'enter', 37: 'leftArrow', 39: 'rightArrow', 48: '0'};
            $document.on('keydown', function (ev) {
                var k = names[ev.keyCode], d = dialog[k], v = view[k];
                if (d) {
                    d();
                } else if (v) {
                    (angular.isArray(v) ? v[0] : v.cb || v)();
                }
            });
            return {
                keyBindings: function (b) { view = b || {}; },
                unbindKeys: function () { view = {}; },
                gestureNotes: function () {},
                dialogKeys: function (b) { dialog = b || {}; }
            };
        }]);

    // --- onosRemote: WebSocketService ----------------------------------------------------------------------
    angular.module('onosRemote', [])
        .factory('WebSocketService', ['$log', function ($log) {
            var ws = new WebSocket('ws://' + location.host + '/ws'),
                handlers = {},
                queue = [];

            ws.onopen = function () {
                queue.forEach(function (m) { ws.send(m); });
                queue = [];
            };
            ws.onmessage = function (msg) {
                var ev = JSON.parse(msg.data), h = handlers[ev.event];
                if (h) {
                    h(ev.payload);
                } else {
                    $log.debug('no handler for', ev.event);
                }
            };

            // as ONOS: an event already bound keeps its handler, and the clash is an error
            function bindHandlers(map) {
                angular.forEach(map, function (fn, ev) {
                    if (handlers[ev]) {
                        $log.error('WebSocketService: handler already bound for', ev);
                    } else {
                        handlers[ev] = fn;
                    }
                });
            }

            function unbindHandlers(map) {
                angular.forEach(map, function (fn, ev) {
                    if (handlers[ev] === fn) {
                        delete handlers[ev];
                    }
                });
            }

            function sendEvent(ev, payload) {
                var m = JSON.stringify({event: ev, payload: payload || {}});
                if (ws.readyState === WebSocket.OPEN) {
                    ws.send(m);
                } else {
                    queue.push(m);
                }
            }

            return {
                bindHandlers: bindHandlers,
                unbindHandlers: unbindHandlers,
                sendEvent: sendEvent,
                isConnected: function () { return ws.readyState === WebSocket.OPEN; }
            };
        }]);

    // --- onosSvg: GlyphService ---------------------------------------------------------------------------
    angular.module('onosSvg', [])
        .factory('GlyphService', [function () {
            var glyphs = {};
            return {
                registerGlyphs: function (data) { angular.extend(glyphs, data); },
                glyphDefined: function (id) { return !!glyphs[id]; },
                addGlyph: function () {}
            };
        }]);

    // --- onosNav: NavService -----------------------------------------------------------------------------
    angular.module('onosNav', [])
        .factory('NavService', ['$location', function ($location) {
            return {
                navTo: function (path) { $location.path('/' + path); }
            };
        }]);

    // --- onosLayer: PanelService, DialogService, FlashService ----------------------------------------------
    angular.module('onosLayer', [])
        .factory('PanelService', ['$log', function ($log) {
            var layer, panels = {},
                defaults = {edge: 'right', width: 200, margin: 20};

            function makePanel(id, settings) {
                var el = layer.append('div').attr('id', id).attr('class', 'floatpanel')
                        .style('width', settings.width + 'px').style(settings.edge, settings.margin + 'px')
                        .style('display', 'none'),
                    p = {on: false};

                function show() { p.on = true; el.style('display', 'block'); }
                function hide() { p.on = false; el.style('display', 'none'); }

                panels[id] = el;
                return {
                    show: show,
                    hide: hide,
                    toggle: function () { return p.on ? hide() : show(); },
                    empty: function () { return el.html(''); },
                    append: function (what) { return el.append(what); },
                    width: function (w) { el.style('width', w + 'px'); },
                    height: function (h) { el.style('height', h + 'px'); },
                    isVisible: function () { return p.on; },
                    classed: function (cls, b) { return el.classed(cls, b); },
                    el: function () { return el; }
                };
            }

            return {
                init: function () {
                    layer = d3.select('#floatpanels');
                    layer.html('');
                    panels = {};
                },
                createPanel: function (id, opts) {
                    if (panels[id]) {
                        $log.warn('Panel with ID "' + id + '" already exists');
                        return null;
                    }
                    return makePanel(id, angular.extend({}, defaults, opts));
                },
                destroyPanel: function (id) {
                    if (panels[id]) {
                        panels[id].remove();
                        delete panels[id];
                    }
                }
            };
        }])
        .factory('DialogService', ['FnService', 'PanelService', 'KeyService', function (fs, ps, ks) {
            var panel, panelId, header, body, footer, dApi, keys = {};

            function div(cls) {
                var d = d3.select(document.createElement('div'));
                return cls ? d.classed(cls, true) : d;
            }

            function add(where, x) {
                if (typeof x === 'string') {
                    return where.append(x);
                }
                where.node().appendChild(x.node());
                return where;
            }

            function closeDialog() {
                if (panel) {
                    keys = {};
                    ks.dialogKeys();
                    ps.destroyPanel(panelId);
                    panel = null;
                }
            }

            function addButton(cb, text, key, chained) {
                function invoke() {
                    fs.isF(cb) && cb();
                    if (!chained) {
                        closeDialog();
                    }
                }
                if (key) {
                    keys[key] = invoke;
                }
                add(footer, div('dialog-button').text(text).on('click', invoke));
                return dApi;
            }

            function openDialog(id, opts) {
                closeDialog();
                panelId = id;
                panel = ps.createPanel(id, angular.extend({width: 320, edge: 'left'}, opts));
                panel.classed('dialog', true);
                if (opts && opts.cssCls) {
                    panel.classed(opts.cssCls, true);
                }
                header = panel.append('div').classed('header', true);
                body = panel.append('div').classed('body', true);
                footer = panel.append('div').classed('footer', true);
                panel.show();
                dApi = {
                    setTitle: function (t) { header.append('h2').text(t); return dApi; },
                    addContent: function (c) { add(body, c); return dApi; },
                    addButton: addButton,
                    addOk: function (cb, text) { return addButton(cb, text || 'OK', 'enter', false); },
                    addOkChained: function (cb, text) { return addButton(cb, text || 'OK', 'enter', true); },
                    addCancel: function (cb, text) { return addButton(cb, text || 'Cancel', 'esc', false); },
                    bindKeys: function () { ks.dialogKeys(keys); }
                };
                return dApi;
            }

            return {
                openDialog: openDialog,
                closeDialog: closeDialog,
                createDiv: div
            };
        }])
        .factory('FlashService', [function () {
            window.flashes = [];
            return {
                flash: function (msg) {
                    window.flashes.push(msg);
                    d3.select('#flash').text(msg);
                }
            };
        }]);

    // --- onosWidget: TableBuilderService and the directives view templates use -------------------------------
    angular.module('onosWidget', [])
        .factory('TableBuilderService', ['$interval', 'FnService', 'WebSocketService',
        function ($interval, fs, wss) {
            var refreshMs = 2000;

            // as ONOS: <tag>DataRequest / <tag>DataResponse, rows under <tag>s, auto refresh every 2 s
            function buildTable(o) {
                var handlers = {},
                    root = o.tag + 's',
                    req = o.tag + 'DataRequest',
                    resp = o.tag + 'DataResponse',
                    onSel = fs.isF(o.selCb),
                    onResp = fs.isF(o.respCb),
                    promise;

                o.scope.tableData = [];
                o.scope.sortParams = {};
                o.scope.autoRefresh = true;
                o.scope.autoRefreshTip = 'Toggle auto refresh';

                handlers[resp] = function (data) {
                    o.scope.tableData = data[root];
                    o.scope.annots = data.annots;
                    onResp && onResp();
                    o.scope.$apply();
                };
                wss.bindHandlers(handlers);

                function sortCb(params) {
                    wss.sendEvent(req, angular.extend({}, params, o.query));
                }
                o.scope.sortCallback = sortCb;

                o.scope.selectCallback = function ($event, row) {
                    o.scope.selId = (o.scope.selId === row.id) ? null : row.id;
                    onSel && onSel($event, row);
                };

                function start() {
                    promise = $interval(function () { sortCb(o.scope.sortParams); }, refreshMs);
                }

                function stop() {
                    $interval.cancel(promise);
                    promise = undefined;
                }

                o.scope.toggleRefresh = function () {
                    o.scope.autoRefresh = !o.scope.autoRefresh;
                    return o.scope.autoRefresh ? start() : stop();
                };

                o.scope.$on('$destroy', function () {
                    wss.unbindHandlers(handlers);
                    stop();
                });

                sortCb();
                start();
            }

            return {buildTable: buildTable};
        }])
        .directive('icon', [function () {
            return {
                restrict: 'A',
                link: function (scope, element, attrs) {
                    element.addClass('icon icon-' + attrs.iconId).text(attrs.iconId);
                }
            };
        }])
        .directive('tooltip', [function () {
            return {
                restrict: 'A',
                link: function (scope, element, attrs) {
                    element.attr('title', scope.$eval(attrs.ttMsg));
                }
            };
        }]);
}());
