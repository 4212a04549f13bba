//! The parts of a v1 Service that node-port allocation reads, and the defaulting the apiserver applies.

use crate::yaml::Pos;
use portband_allocator::ip::Ip;

/// `spec.type` values.
pub mod types {
    /// `ClusterIP` (the default).
    pub const CLUSTER_IP: &str = "ClusterIP";
    /// `NodePort`.
    pub const NODE_PORT: &str = "NodePort";
    /// `LoadBalancer`.
    pub const LOAD_BALANCER: &str = "LoadBalancer";
    /// `ExternalName`.
    pub const EXTERNAL_NAME: &str = "ExternalName";
}

/// A Service as submitted, or as stored after allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// `metadata.namespace` (`default` when the manifest has none).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.generateName`, the prefix of a name the apiserver makes up on create.
    pub generate_name: String,
    /// `metadata.labels`, in manifest order.
    pub labels: Vec<(String, String)>,
    /// `metadata.annotations`, in manifest order.
    pub annotations: Vec<(String, String)>,
    /// `spec`.
    pub spec: ServiceSpec,
    /// Where the object starts in its manifest.
    pub pos: Pos,
}

/// `spec`, the fields that bear on node ports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceSpec {
    /// `type` (empty until defaulted to `ClusterIP`).
    pub type_: String,
    /// `ports`.
    pub ports: Vec<ServicePort>,
    /// `clusterIP`: `None` (headless), an address, or empty (one is allocated).
    pub cluster_ip: String,
    /// `clusterIPs`.
    pub cluster_ips: Vec<String>,
    /// `selector`, in manifest order; `None` when the manifest has none.
    pub selector: Option<Vec<(String, String)>>,
    /// `sessionAffinity` (defaulted to `None`).
    pub session_affinity: String,
    /// `sessionAffinityConfig` (defaulted for `ClientIP`).
    pub session_affinity_config: Option<SessionAffinityConfig>,
    /// `ipFamilies` (filled in from the cluster's families when stored).
    pub ip_families: Vec<String>,
    /// `ipFamilyPolicy` (defaulted when stored).
    pub ip_family_policy: Option<String>,
    /// `loadBalancerSourceRanges`.
    pub load_balancer_source_ranges: Vec<String>,
    /// `trafficDistribution`.
    pub traffic_distribution: Option<String>,
    /// Where `trafficDistribution` was written.
    pub traffic_distribution_pos: Option<Pos>,
    /// `internalTrafficPolicy` (defaulted to `Cluster` where it applies).
    pub internal_traffic_policy: Option<String>,
    /// `loadBalancerClass`, if written.
    pub load_balancer_class: Option<String>,
    /// `externalName`, the DNS name an ExternalName Service stands for.
    pub external_name: String,
    /// `externalIPs` (a ClusterIP Service with any is externally accessible).
    pub external_ips: Vec<String>,
    /// `externalTrafficPolicy`.
    pub external_traffic_policy: String,
    /// `healthCheckNodePort` (0 = unset).
    pub health_check_node_port: i32,
    /// Where `healthCheckNodePort` was written.
    pub health_check_node_port_pos: Option<Pos>,
    /// `allocateLoadBalancerNodePorts`.
    pub allocate_load_balancer_node_ports: Option<bool>,
}

/// `spec.sessionAffinityConfig`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionAffinityConfig {
    /// `clientIP`.
    pub client_ip: Option<ClientIpConfig>,
}

/// `spec.sessionAffinityConfig.clientIP`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientIpConfig {
    /// `timeoutSeconds`.
    pub timeout_seconds: Option<i32>,
}

/// The session timeout `ClientIP` affinity gets when none is written (three hours).
pub const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS: i32 = 10800;

/// One entry of `spec.ports`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServicePort {
    /// `name`.
    pub name: String,
    /// `protocol` (empty until defaulted to `TCP`).
    pub protocol: String,
    /// `port`.
    pub port: i32,
    /// `targetPort`, if written.
    pub target_port: Option<TargetPort>,
    /// `appProtocol`, if written.
    pub app_protocol: Option<String>,
    /// `nodePort` (0 = unset, to be allocated).
    pub node_port: i32,
    /// Where the entry starts.
    pub pos: Option<Pos>,
    /// Where `nodePort` was written.
    pub node_port_pos: Option<Pos>,
}

/// `targetPort`: a number or a named container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    /// A port number.
    Number(i32),
    /// A named port.
    Name(String),
}

impl Service {
    /// Applies the v1 defaults (`SetDefaults_Service`): sessionAffinity None (with ClientIP, a
    /// timeout of three hours unless one is written), type ClusterIP, protocol TCP, targetPort = port, externalTrafficPolicy Cluster for externally accessible
    /// Services, internalTrafficPolicy Cluster for ClusterIP, NodePort and LoadBalancer,
    /// allocateLoadBalancerNodePorts true for LoadBalancer.
    pub fn apply_defaults(&mut self) {
        let spec = &mut self.spec;
        if spec.session_affinity.is_empty() {
            spec.session_affinity = "None".to_owned();
        }
        let timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|config| config.client_ip.as_ref())
            .and_then(|client_ip| client_ip.timeout_seconds);
        if spec.session_affinity == "ClientIP" && timeout.is_none() {
            spec.session_affinity_config = Some(SessionAffinityConfig {
                client_ip: Some(ClientIpConfig {
                    timeout_seconds: Some(DEFAULT_CLIENT_IP_TIMEOUT_SECONDS),
                }),
            });
        }
        if spec.type_.is_empty() {
            spec.type_ = types::CLUSTER_IP.to_owned();
        }
        for port in &mut spec.ports {
            if port.protocol.is_empty() {
                port.protocol = "TCP".to_owned();
            }
            let unset = match &port.target_port {
                None | Some(TargetPort::Number(0)) => true,
                Some(TargetPort::Name(name)) => name.is_empty(),
                Some(TargetPort::Number(_)) => false,
            };
            if unset {
                port.target_port = Some(TargetPort::Number(port.port));
            }
        }
        if self.externally_accessible() && self.spec.external_traffic_policy.is_empty() {
            self.spec.external_traffic_policy = "Cluster".to_owned();
        }
        let has_internal_policy = [types::CLUSTER_IP, types::NODE_PORT, types::LOAD_BALANCER]
            .contains(&self.spec.type_.as_str());
        if has_internal_policy && self.spec.internal_traffic_policy.is_none() {
            self.spec.internal_traffic_policy = Some("Cluster".to_owned());
        }
        if self.spec.type_ == types::LOAD_BALANCER
            && self.spec.allocate_load_balancer_node_ports.is_none()
        {
            self.spec.allocate_load_balancer_node_ports = Some(true);
        }
    }

    /// The `kubernetes` Service kube-apiserver keeps in `default` (its controller's
    /// `CreateOrUpdateMasterServiceIfNeeded`): type ClusterIP at `ip`, port 443 named `https` to
    /// the apiserver's secure port 6443, no selector.
    pub fn kubernetes(ip: Ip) -> Service {
        let mut service = Service {
            namespace: "default".to_owned(),
            name: "kubernetes".to_owned(),
            labels: vec![
                ("component".to_owned(), "apiserver".to_owned()),
                ("provider".to_owned(), "kubernetes".to_owned()),
            ],
            ..Service::default()
        };
        service.spec.type_ = types::CLUSTER_IP.to_owned();
        service.spec.cluster_ip = ip.to_string();
        service.spec.ports = vec![ServicePort {
            name: "https".to_owned(),
            protocol: "TCP".to_owned(),
            port: 443,
            target_port: Some(TargetPort::Number(6443)),
            ..ServicePort::default()
        }];
        service
    }

    /// Every type but ExternalName has a cluster IP, `None` included (upstream `needsClusterIP`).
    pub fn needs_cluster_ip(&self) -> bool {
        self.spec.type_ != types::EXTERNAL_NAME
    }

    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Type NodePort or LoadBalancer: the types that have node ports (upstream `needsNodePort`).
    pub fn needs_node_ports(&self) -> bool {
        self.spec.type_ == types::NODE_PORT || self.spec.type_ == types::LOAD_BALANCER
    }

    /// Whether ports left at 0 get one allocated: NodePort, or LoadBalancer unless
    /// `allocateLoadBalancerNodePorts` is false (upstream `shouldAllocateNodePorts`).
    pub fn allocates_node_ports(&self) -> bool {
        match self.spec.type_.as_str() {
            types::NODE_PORT => true,
            types::LOAD_BALANCER => self.spec.allocate_load_balancer_node_ports != Some(false),
            _ => false,
        }
    }

    /// LoadBalancer with externalTrafficPolicy Local (upstream `NeedsHealthCheck`).
    pub fn needs_health_check(&self) -> bool {
        self.spec.type_ == types::LOAD_BALANCER && self.spec.external_traffic_policy == "Local"
    }

    /// NodePort, LoadBalancer, or ClusterIP with external IPs (upstream `ExternallyAccessible`).
    pub fn externally_accessible(&self) -> bool {
        self.needs_node_ports()
            || (self.spec.type_ == types::CLUSTER_IP && !self.spec.external_ips.is_empty())
    }

    /// Whether `clusterIPs[0]` (or `clusterIP`) is `None`.
    pub fn is_headless(&self) -> bool {
        self.spec
            .cluster_ips
            .first()
            .unwrap_or(&self.spec.cluster_ip)
            == "None"
    }

    /// The non-zero nodePorts of `spec.ports`, in order (upstream `collectServiceNodePorts`).
    pub fn node_ports(&self) -> Vec<i32> {
        self.spec
            .ports
            .iter()
            .map(|p| p.node_port)
            .filter(|&np| np != 0)
            .collect()
    }
}
