/*
 The test page's app module, built as ONOS's onos.js builds it: the framework modules, one module per view
 the server lists ('ov' + capitalised view id), and a route per view to app/view/<id>/<id>.html with
 controller Ov<Id>Ctrl. The topology view is the stub of topo-stub.js.
 */
(function () {
    'use strict';

    function cap(s) {
        return s.charAt(0).toUpperCase() + s.slice(1);
    }

    angular.module('onosApp', ['ngRoute', 'onosUtil', 'onosSvg', 'onosRemote', 'onosLayer', 'onosWidget',
        'onosNav', 'ovTopo'].concat(onosViews.map(function (v) { return 'ov' + cap(v); })))
        .config(['$routeProvider', function ($routeProvider) {
            onosNav.forEach(function (v) {
                $routeProvider.when('/' + v, {
                    controller: 'Ov' + cap(v) + 'Ctrl',
                    controllerAs: 'ctrl',
                    templateUrl: 'app/view/' + v + '/' + v + '.html'
                });
            });
            $routeProvider.when('/topo', {
                controller: 'OvTopoCtrl',
                controllerAs: 'ctrl',
                template: '<div id="ov-topo"><svg id="topo-svg" width="820" height="520"></svg></div>'
            });
            $routeProvider.otherwise({redirectTo: '/topo'});
        }])
        .run(['$rootScope', 'PanelService', function ($rootScope, ps) {
            $rootScope.nav = onosNav;
            ps.init();
        }]);
}());
