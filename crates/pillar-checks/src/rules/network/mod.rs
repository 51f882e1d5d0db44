//! Infrastructure protection rules (SEC05, SEC06).

use crate::meta::Rule;

mod ec2_admin_port_internet_reachable;
mod ec2_admin_port_single_layer;
mod ec2_all_ports_internet_reachable;
mod ec2_database_port_internet_reachable;
mod ec2_default_sg_not_restricted;
mod ec2_instance_imdsv1_allowed;
mod ec2_instance_public_ip;
mod ec2_nacl_admin_port_open;
mod ec2_public_subnet_not_reachable;
mod ec2_sg_admin_port_open;
mod ec2_sg_all_ports_open;
mod ec2_sg_database_port_open;
mod ec2_subnet_auto_assign_public_ip;
mod elb_tls_policy_outdated;
mod elbv2_internet_facing_without_waf;
mod elbv2_listener_plaintext_http;
mod rds_instance_publicly_accessible;
mod reach;

/// The rules of this area, in a stable order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &ec2_sg_admin_port_open::RULE,
        &ec2_sg_database_port_open::RULE,
        &ec2_sg_all_ports_open::RULE,
        &ec2_default_sg_not_restricted::RULE,
        &ec2_nacl_admin_port_open::RULE,
        &ec2_instance_imdsv1_allowed::RULE,
        &ec2_subnet_auto_assign_public_ip::RULE,
        &ec2_instance_public_ip::RULE,
        &elbv2_internet_facing_without_waf::RULE,
        &rds_instance_publicly_accessible::RULE,
        &elbv2_listener_plaintext_http::RULE,
        &elb_tls_policy_outdated::RULE,
        &ec2_admin_port_internet_reachable::RULE,
        &ec2_database_port_internet_reachable::RULE,
        &ec2_all_ports_internet_reachable::RULE,
        &ec2_admin_port_single_layer::RULE,
        &ec2_public_subnet_not_reachable::RULE,
    ]
}
