# An internet-facing Application Load Balancer in two public subnets
# forwarding to an instance in a private subnet, written from the Elastic
# Load Balancing User Guide (a listener's forward action or a rule's sends
# to a target group; the load balancer connects to the registered target on
# the target group's port from its own addresses, so the target's group
# must admit the load balancer's group or subnets) and the Terraform AWS
# provider (aws_lb_target_group, aws_lb_target_group_attachment,
# aws_lb_listener default_action, aws_lb_listener_rule). The private subnet
# has no association: the VPC's main route table (local route only)
# applies, so the instance is reached only through the load balancer. The
# defaults forward through the listener's default action;
# tests/net_iac.rs sets one variable per variant.

# "default", "weighted" (forward block), "rule" (aws_lb_listener_rule) or "none"
variable "forward_by" {
  default = "default"
}

variable "app_admits_lb" {
  default = true
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.9.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_default_network_acl" "all" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id
  subnet_ids             = [aws_subnet.public_a.id, aws_subnet.public_b.id, aws_subnet.private.id]
  ingress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  egress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

resource "aws_security_group" "lb" {
  name   = "web-lb"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = var.app_admits_lb ? [aws_security_group.lb.id] : []
    cidr_blocks     = var.app_admits_lb ? [] : ["10.99.0.0/16"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
  security_groups    = [aws_security_group.lb.id]
}

resource "aws_lb_target_group" "app" {
  name     = "app"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = var.forward_by == "default" ? "forward" : var.forward_by == "weighted" ? "forward" : "fixed-response"
    target_group_arn = var.forward_by == "default" ? aws_lb_target_group.app.arn : null
    dynamic "forward" {
      for_each = var.forward_by == "weighted" ? [1] : []
      content {
        target_group {
          arn    = aws_lb_target_group.app.arn
          weight = 100
        }
      }
    }
    dynamic "fixed_response" {
      for_each = contains(["rule", "none"], var.forward_by) ? [1] : []
      content {
        content_type = "text/plain"
        status_code  = "404"
      }
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  count        = var.forward_by == "rule" ? 1 : 0
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}
