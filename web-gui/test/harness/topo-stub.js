/*
 Stub of ONOS's topology view (module ovTopo): the TopoOverlayService overlays register with, and a small
 d3 map drawn from the server's addDevice / addHost / addLink events. It does what ONOS's topology view does
 for an overlay: picks it (topoSelectOverlay, requestSummary), passes node selection to its hooks, asks for a
 host's details and puts the overlay's buttons on them, and applies showHighlights as ONOS 2.7's
 topoOverlay.showHighlights does: subdue everything, then un-subdue the listed nodes and links, give the
 links their CSS classes and labels, the nodes their badges.
 */
(function () {
    'use strict';

    var nodes = {}, links = {}, reverse = {};

    angular.module('ovTopo', ['onosUtil', 'onosRemote', 'onosLayer', 'onosSvg'])
        .factory('TopoPanelService', ['PanelService', function (ps) {
            var detail = null, summary = null;

            function panel(which, id, edge) {
                if (!which) {
                    which = ps.createPanel(id, {width: 260, edge: edge});
                }
                which.empty();
                which.show();
                return which;
            }

            function props(p, data) {
                var tbody = p.append('table').attr('class', 'props').append('tbody');
                (data.propOrder || []).forEach(function (k) {
                    var tr = tbody.append('tr').attr('data-prop', k);
                    tr.append('td').attr('class', 'label').text(data.propLabels[k]);
                    tr.append('td').attr('class', 'value').text(data.propValues[k]);
                });
            }

            return {
                showSummary: function (data) {
                    summary = panel(summary, 'topo-p-summary', 'right');
                    summary.append('h2').text(data.title);
                    props(summary, data);
                },
                showDetails: function (data) {
                    detail = panel(detail, 'topo-p-detail', 'right');
                    detail.el().style('top', '330px');
                    detail.append('h2').text(data.title);
                    props(detail, data);
                    detail.append('div').attr('class', 'actions');
                },
                addAction: function (btn) {
                    detail.el().select('.actions').append('div').attr('class', 'action')
                        .attr('id', btn.id).attr('title', btn.tt).text(btn.tt)
                        .on('click', btn.cb);
                }
            };
        }])
        .factory('TopoOverlayService', ['$log', 'FnService', 'GlyphService', 'WebSocketService',
            'TopoPanelService',
        function ($log, fs, gs, wss, tps) {
            var overlays = {}, current = null;

            function register(o) {
                var glyphs = {};
                overlays[o.overlayId] = o;
                o.mkGid = function (g) { return g.charAt(0) === '*' ? o.overlayId + '-' + g.slice(1) : g; };
                o.mkId = function (s) { return o.overlayId + '-' + s; };
                angular.forEach(o.glyphs || {}, function (v, k) {
                    glyphs['_' + o.overlayId + '-' + k] = v.vb;
                    glyphs[o.overlayId + '-' + k] = v.d;
                });
                gs.registerGlyphs(glyphs);
            }

            function tbSelection(id) {
                var payload = {};
                if (current && current.overlayId === id) {
                    return;
                }
                if (current) {
                    current.deactivate();
                    payload.deactivate = current.overlayId;
                }
                current = overlays[id];
                current.activate();
                payload.activate = id;
                wss.sendEvent('topoSelectOverlay', payload);
                wss.sendEvent('requestSummary');
            }

            function buttonDef(id, data) {
                var b = current && current.buttons && current.buttons[id];
                return b ? {
                    id: current.mkId(id),
                    gid: current.mkGid(b.gid),
                    tt: b.tt,
                    cb: function () { fs.isF(b.cb) && b.cb(data); }
                } : null;
            }

            function hook(name) {
                return current && current.hooks && fs.isF(current.hooks[name]);
            }

            function showHighlights(data) {
                var less = data.subdue === 'min';
                d3.selectAll('.link').classed('primary secondary animated', false);
                d3.selectAll('.linkLabel').remove();
                d3.selectAll('.badge').remove();
                d3.selectAll('.node, .link').classed('suppressed suppressedmax', false);
                if (data.subdue) {
                    d3.selectAll('.node, .link').classed(less ? 'suppressed' : 'suppressedmax', true);
                }
                data.hosts.concat(data.devices).forEach(function (n) {
                    var el = nodes[n.id];
                    if (el) {
                        el.classed('suppressed suppressedmax', false);
                        if (n.badge) {
                            el.append('text').attr({'class': 'badge', x: 12, y: -12}).text(n.badge.txt);
                        }
                    }
                });
                data.links.forEach(function (l) {
                    var link = links[reverse[l.id] || l.id];
                    if (link) {
                        link.el.classed('suppressed suppressedmax', false).classed(l.css, true);
                        d3.select('#topo-svg .labels').append('text').attr('class', 'linkLabel')
                            .attr({'data-link': link.id, x: link.x, y: link.y - 6}).text(l.label);
                    }
                });
            }

            return {
                register: register,
                tbSelection: tbSelection,
                list: function () { return Object.keys(overlays); },
                installButtons: function (ids, data) {
                    (ids || []).forEach(function (id) {
                        var b = buttonDef(id, data);
                        b && tps.addAction(b);
                    });
                },
                addDetailButton: function (id) {
                    var b = buttonDef(id);
                    b && tps.addAction(b);
                },
                hooks: {
                    escape: function () { var h = hook('escape'); return h ? h() : false; },
                    singleSelect: function (d) { var h = hook('single'); h && h(d); },
                    emptySelect: function () { var h = hook('empty'); h && h(); }
                },
                showHighlights: showHighlights
            };
        }])
        .controller('OvTopoCtrl', ['$scope', 'WebSocketService', 'TopoOverlayService', 'TopoPanelService',
        function ($scope, wss, tov, tps) {
            var svg = d3.select('#topo-svg'),
                linkLayer = svg.append('g').attr('class', 'links'),
                labels = svg.append('g').attr('class', 'labels'),
                nodeLayer = svg.append('g').attr('class', 'nodes'),
                where = {},
                handlers = {};

            function addNode(cls, d, label) {
                var g = nodeLayer.append('g').attr('class', 'node ' + cls).attr('id', d.id)
                    .attr('transform', 'translate(' + d.x + ',' + d.y + ')')
                    .on('click', function () { select(d, cls); });
                g.append(cls === 'device' ? 'rect' : 'circle')
                    .attr(cls === 'device' ? {x: -18, y: -14, width: 36, height: 28, rx: 4} : {r: 11});
                g.append('text').attr({'class': 'label', y: cls === 'device' ? 30 : 26}).text(label);
                nodes[d.id] = g;
                where[d.id] = d;
            }

            function select(d, cls) {
                d3.selectAll('.node').classed('selected', false);
                nodes[d.id].classed('selected', true);
                tov.hooks.singleSelect({id: d.id, 'class': cls});
                if (cls === 'host') {
                    wss.sendEvent('requestDetails', {id: d.id, 'class': 'host'});
                }
            }

            handlers.addDevice = function (d) {
                addNode('device', d, d.id.slice(-2));
            };
            handlers.addHost = function (d) {
                var at = where[d.device];
                linkLayer.append('line').attr('class', 'link hostLink').attr('id', d.id + '-link')
                    .attr({x1: d.x, y1: d.y, x2: at.x, y2: at.y});
                addNode('host', d, d.id.split('/')[0]);
            };
            handlers.addLink = function (d) {
                var a = where[d.src], b = where[d.dst],
                    ends = d.id.split('-');
                links[d.id] = {
                    id: d.id,
                    x: (a.x + b.x) / 2,
                    y: (a.y + b.y) / 2,
                    el: linkLayer.append('line').attr('class', 'link').attr('data-id', d.id)
                        .attr({x1: a.x, y1: a.y, x2: b.x, y2: b.y})
                };
                reverse[ends[1] + '-' + ends[0]] = d.id;
            };
            handlers.showHighlights = tov.showHighlights;
            handlers.showSummary = tps.showSummary;
            handlers.showDetails = function (data) {
                tps.showDetails(data);
                tov.installButtons(data.buttons, data);
            };
            wss.bindHandlers(handlers);
            wss.sendEvent('topoStart');
            // the user picks the app's overlay in the toolbar
            tov.tbSelection(tov.list()[0]);

            $scope.$on('$destroy', function () {
                wss.unbindHandlers(handlers);
            });
        }]);
}());
