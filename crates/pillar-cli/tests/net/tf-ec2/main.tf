# Public addressing of a Terraform instance, written from the Amazon EC2
# User Guide ("Amazon EC2 instance IP addressing": a public IPv4 address goes
# to the primary network interface at launch when associate_public_ip_address
# says so, else when the subnet's map_public_ip_on_launch does; an Elastic
# IP takes its place; IPv6 addresses come from ipv6_address_count or
# ipv6_addresses) and the Terraform AWS provider (aws_instance, aws_eip,
# aws_eip_association, aws_launch_template). The subnet routes 0.0.0.0/0 and
# ::/0 to the internet gateway, its NACL allows everything and the group
# opens SSH to the world, so only addressing decides. The defaults give the
# bastion no public address; tests/net_iac.rs sets variables per variant.

variable "associate" {
  default = null
}

variable "subnet_maps_public" {
  default = false
}

# "none", "instance" (aws_eip.instance) or "association" (aws_eip_association)
variable "eip" {
  default = "none"
}

variable "ipv6_count" {
  default = 0
}

variable "template_public" {
  default = false
}

# Without its association the subnet uses the VPC's main route table, which
# holds only the local route (no aws_default_route_table here).
variable "associate_routes" {
  default = true
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.8.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.8.1.0/24"
  ipv6_cidr_block         = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
  map_public_ip_on_launch = var.subnet_maps_public
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  count          = var.associate_routes ? 1 : 0
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_network_acl" "open" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.public.id]
  ingress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  ingress {
    rule_no         = 101
    protocol        = "-1"
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 0
  }
  egress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  egress {
    rule_no         = 101
    protocol        = "-1"
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 0
  }
}

resource "aws_security_group" "ssh" {
  name   = "ssh-from-anywhere"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = var.associate
  ipv6_address_count          = var.ipv6_count
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_eip" "bastion" {
  count    = var.eip == "instance" ? 1 : 0
  domain   = "vpc"
  instance = aws_instance.bastion.id
}

resource "aws_eip" "spare" {
  count  = var.eip == "association" ? 1 : 0
  domain = "vpc"
}

resource "aws_eip_association" "bastion" {
  count         = var.eip == "association" ? 1 : 0
  instance_id   = aws_instance.bastion.id
  allocation_id = aws_eip.spare[0].id
}

# A second instance that takes its subnet, groups and addressing from a
# launch template's primary network interface.
resource "aws_launch_template" "worker" {
  name          = "worker"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  network_interfaces {
    device_index                = 0
    subnet_id                   = aws_subnet.public.id
    security_groups             = [aws_security_group.ssh.id]
    associate_public_ip_address = var.template_public
  }
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_instance" "worker" {
  launch_template {
    id = aws_launch_template.worker.id
  }
}
